package legacyweb

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/pushlist"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// The mapping screen sits between upload and import; the uploaded file
// waits in the temporary directory under a random token bound to the user.
const stagedMaxAge = 2 * time.Hour

func stagedPath(userID int64, token string) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("fangkong-push-%d-%s", userID, token))
}

func (s *Handler) pushListsPage(w http.ResponseWriter, r *http.Request) error {
	lists, err := s.PushLists.Lists(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "pushlist_lists", "大数据推送名单", map[string]any{"Lists": lists, "Sources": pushlist.Sources,
		"Default": pushlist.DefaultDeadlineHours})
}

// pushUpload stages the file and shows the mapping screen.
func (s *Handler) pushUpload(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return s.pushFormError(w, r, err)
	}
	defer f.Close()
	rd, err := sheet.Open(f, size)
	if err != nil {
		return s.pushFormError(w, r, errs.Invalidf("文件", "%s", err.Error()))
	}
	headers := rd.Header()
	var sample [][]string
	for len(sample) < 3 && rd.Next() {
		sample = append(sample, append([]string(nil), rd.Row()...))
	}
	rd.Close()
	source := strings.TrimSpace(r.FormValue("source"))
	mapping, saved, err := s.PushLists.SuggestMapping(r.Context(), source, headers)
	if err != nil {
		return err
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	sweepStaged()
	dst, err := os.OpenFile(stagedPath(u.ID, token), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		dst.Close()
		return err
	}
	if _, err := io.Copy(dst, f); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" {
		if _, fh, err := r.FormFile("file"); err == nil {
			name = strings.TrimSuffix(fh.Filename, filepath.Ext(fh.Filename))
		}
	}
	return s.render(w, r, http.StatusOK, "pushlist_map", "对应表头", map[string]any{"Token": token, "Source": source, "Name": name,
		"Deadline": r.FormValue("deadline_hours"), "Headers": headers, "Fields": pushlist.Fields, "Mapping": mapping, "Saved": saved, "Sample": sample})
}

// sweepStaged removes staged uploads older than stagedMaxAge.
func sweepStaged() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "fangkong-push-*"))
	for _, p := range old {
		if st, err := os.Stat(p); err == nil && time.Since(st.ModTime()) > stagedMaxAge {
			os.Remove(p)
		}
	}
}

func (s *Handler) pushFormError(w http.ResponseWriter, r *http.Request, err error) error {
	if !errs.IsInvalid(err) {
		return err
	}
	lists, lerr := s.PushLists.Lists(r.Context(), web.User(r).Scope())
	if lerr != nil {
		return lerr
	}
	_, msg, _ := web.StatusOf(err)
	return s.renderView(w, r, http.StatusBadRequest, "pushlist_lists", web.View{Title: "大数据推送名单", Error: msg,
		D: map[string]any{"Lists": lists, "Sources": pushlist.Sources, "Default": pushlist.DefaultDeadlineHours}})
}

// pushOptions reads source, name, deadline and the mapping (map_<field>)
// of an import form.
func pushOptions(r *http.Request) (pushlist.ImportOptions, error) {
	opt := pushlist.ImportOptions{Source: r.FormValue("source"), Name: strings.TrimSpace(r.FormValue("name"))}
	if v := strings.TrimSpace(r.FormValue("deadline_hours")); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil {
			return opt, errs.Invalidf("核查时限", "核查时限应为整数小时")
		}
		opt.DeadlineHours = h
	}
	if v := r.FormValue("mapping"); v != "" {
		if err := json.Unmarshal([]byte(v), &opt.Mapping); err != nil {
			return opt, errs.Invalidf("mapping", "列对应应为JSON对象，如 {\"name\":\"姓名\"}")
		}
	}
	for _, f := range pushlist.Fields {
		if v, ok := r.Form["map_"+f.Key]; ok {
			if opt.Mapping == nil {
				opt.Mapping = map[string]string{}
			}
			opt.Mapping[f.Key] = strings.TrimSpace(v[0])
		}
	}
	return opt, nil
}

// pushImport imports a staged upload with the mapping chosen on screen.
func (s *Handler) pushImport(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	if err := r.ParseForm(); err != nil {
		return errs.Invalidf("", "表单无效")
	}
	token := r.FormValue("token")
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return s.pushFormError(w, r, errs.Invalidf("文件", "上传已失效，请重新选择文件"))
	}
	path := stagedPath(u.ID, token)
	f, err := os.Open(path)
	if err != nil {
		return s.pushFormError(w, r, errs.Invalidf("文件", "上传已失效，请重新选择文件"))
	}
	defer func() { f.Close(); os.Remove(path) }()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	opt, err := pushOptions(r)
	if err == nil && opt.Mapping == nil {
		opt.Mapping = map[string]string{}
	}
	var l pushlist.List
	if err == nil {
		l, err = s.PushLists.Import(r.Context(), web.Actor(r), u.Scope(), f, st.Size(), opt)
	}
	if err != nil {
		return s.pushFormError(w, r, err)
	}
	return web.Redirect(w, r, fmt.Sprintf("/pushlists/%d", l.ID), fmt.Sprintf("已导入%d行，全部已处理", l.Rows))
}

func (s *Handler) pushListPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	l, err := s.PushLists.GetList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	type line struct {
		Outcome, Name string
		N             int
	}
	lines := []line{{pushlist.OutcomeMatched, pushlist.OutcomeName(pushlist.OutcomeMatched), l.Matched},
		{pushlist.OutcomeCreated, pushlist.OutcomeName(pushlist.OutcomeCreated), l.Created},
		{pushlist.OutcomeQueued, pushlist.OutcomeName(pushlist.OutcomeQueued), l.Queued},
		{pushlist.OutcomeDuplicate, pushlist.OutcomeName(pushlist.OutcomeDuplicate), l.Duplicates},
		{pushlist.OutcomeRejected, pushlist.OutcomeName(pushlist.OutcomeRejected), l.Rejected}}
	return s.render(w, r, http.StatusOK, "pushlist_list", l.Name, map[string]any{"L": l, "Lines": lines, "Fields": pushlist.Fields})
}

// pushFeedback streams the feedback file (回传) of a list.
func (s *Handler) pushFeedback(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	l, err := s.PushLists.GetList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("回传-%s-%s.xlsx", l.Name, clock.Day(s.Now()))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"feedback.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.PushLists.Feedback(r.Context(), web.Actor(r), web.User(r).Scope(), id, w); err != nil {
		s.Logger.Error("feedback", "err", err, "list", id, "request_id", web.RequestID(r))
	}
	return nil
}
