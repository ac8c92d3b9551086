package notifyweb

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"

	"fangkong/internal/errs"
	"fangkong/internal/notify"
	"fangkong/internal/web"
)

type inboxView struct {
	Items  []notify.InboxItem
	Unread int
	Paging web.Paging
}

// inbox is the signed-in user's messages (站内信), newest first.
func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	items, unread, err := h.svc.Inbox(r.Context(), web.User(r).ID, web.PageSize+1, (page-1)*web.PageSize)
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(items))
	if len(items) > web.PageSize {
		items = items[:web.PageSize]
	}
	return h.render(w, r, "inbox", "消息", inboxView{Items: items, Unread: unread, Paging: pg})
}

// inboxRead marks the user's messages read.
func (h *Handler) inboxRead(w http.ResponseWriter, r *http.Request) error {
	if err := h.svc.MarkRead(r.Context(), web.User(r).ID, 0); err != nil {
		return err
	}
	return web.Redirect(w, r, "/inbox", "已全部标为已读")
}

type inboxJSON struct {
	Unread int             `json:"unread"`
	Items  []inboxItemJSON `json:"items"`
}

type inboxItemJSON struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	UnitCode  string `json:"unit_code"`
	Body      string `json:"body"`
	Link      string `json:"link"`
	CreatedAt int64  `json:"created_at"`
	Read      bool   `json:"read"`
}

func (h *Handler) apiInbox(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	items, unread, err := h.svc.Inbox(r.Context(), web.User(r).ID, web.PageSize, (page-1)*web.PageSize)
	if err != nil {
		return err
	}
	out := inboxJSON{Unread: unread, Items: []inboxItemJSON{}}
	for _, x := range items {
		out.Items = append(out.Items, inboxItemJSON{ID: x.ID, Kind: x.Kind, Name: x.Name, UnitCode: x.UnitCode, Body: x.Body,
			Link: x.Link, CreatedAt: x.CreatedAt, Read: x.ReadAt != 0})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// aliyunReceipt takes Alibaba Cloud's SMS delivery reports (SmsReport,
// pushed as a JSON array) at a path holding a secret token.
func (h *Handler) aliyunReceipt(w http.ResponseWriter, r *http.Request) error {
	if h.receiptToken == "" || subtle.ConstantTimeCompare([]byte(r.PathValue("token")), []byte(h.receiptToken)) != 1 {
		return errs.ErrNotFound
	}
	var list []notify.AliyunReceipt
	if err := json.NewDecoder(r.Body).Decode(&list); err != nil {
		return errs.Invalidf("", "回执格式不正确")
	}
	for _, x := range list {
		reason := x.ErrCode
		if x.ErrMsg != "" {
			reason += " " + x.ErrMsg
		}
		if _, err := h.svc.Receipt(r.Context(), notify.ChannelSMS, x.BizID, x.Success, reason); err != nil {
			return err
		}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"code": 0, "msg": "成功"})
}
