package legacyweb

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/site"
	"fangkong/internal/web"
)

type siteIn struct {
	UnitCode       string `json:"unit_code"`
	Name           string `json:"name"`
	Address        string `json:"address"`
	ContactName    string `json:"contact_name"`
	ContactPhone   string `json:"contact_phone"`
	Status         string `json:"status"`
	StaffTestEvery int    `json:"staff_test_every"`
	Version        int64  `json:"version"`
}

func (in siteIn) site(id int64) site.Site {
	return site.Site{ID: id, UnitCode: in.UnitCode, Name: in.Name, Address: in.Address, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, Status: in.Status, StaffTestEvery: in.StaffTestEvery, Version: in.Version}
}

type roomsIn struct {
	No        string `json:"no"`
	FloorFrom int    `json:"floor_from"`
	FloorTo   int    `json:"floor_to"`
	RoomFrom  int    `json:"room_from"`
	RoomTo    int    `json:"room_to"`
	Beds      int    `json:"beds"`
	Bathroom  bool   `json:"bathroom"`
}

type roomStatusIn struct {
	Status  string `json:"status"`
	Version int64  `json:"version"`
}

type staffIn struct {
	Name       string `json:"name"`
	Post       string `json:"post"`
	Phone      string `json:"phone"`
	IDNumber   string `json:"id_number"`
	LastTestOn string `json:"last_test_on"`
	Doses      int    `json:"doses"`
	LastDoseOn string `json:"last_dose_on"`
	Left       bool   `json:"left"`
	Version    int64  `json:"version"`
}

type transferIn struct {
	IDNumber   string `json:"id_number"`
	PersonID   int64  `json:"person_id"`
	Reason     string `json:"reason"`
	FromPlace  string `json:"from_place"`
	Vehicle    string `json:"vehicle"`
	TransferAt string `json:"transfer_at"`
	RoomID     int64  `json:"room_id"`
	Note       string `json:"note"`
}

type checkInIn struct {
	RoomID      int64 `json:"room_id"`
	RoomVersion int64 `json:"room_version"`
	Version     int64 `json:"version"`
}

type checkOutIn struct {
	Outcome string `json:"outcome"`
	To      string `json:"to"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

// --- actions shared by pages and API

func (s *Handler) doCreateSite(r *http.Request) (site.Site, error) {
	var in siteIn
	if err := web.Bind(r, &in); err != nil {
		return site.Site{}, err
	}
	return s.Sites.CreateSite(r.Context(), web.Actor(r), web.User(r).Scope(), in.site(0))
}

func (s *Handler) doUpdateSite(r *http.Request) (site.Site, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Site{}, err
	}
	var in siteIn
	if err := web.Bind(r, &in); err != nil {
		return site.Site{}, err
	}
	return s.Sites.UpdateSite(r.Context(), web.Actor(r), web.User(r).Scope(), in.site(id))
}

func (s *Handler) doAddRooms(r *http.Request) (int64, int, int, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, 0, 0, err
	}
	in := roomsIn{Bathroom: !strings.HasPrefix(r.URL.Path, "/api/")}
	if err := web.Bind(r, &in); err != nil {
		return 0, 0, 0, err
	}
	added, skipped, err := s.Sites.AddRooms(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.RoomBatch{No: in.No,
		FloorFrom: in.FloorFrom, FloorTo: in.FloorTo, RoomFrom: in.RoomFrom, RoomTo: in.RoomTo, Beds: in.Beds, Bathroom: in.Bathroom})
	return id, added, skipped, err
}

func (s *Handler) doRoomStatus(r *http.Request) (site.Room, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Room{}, err
	}
	var in roomStatusIn
	if err := web.Bind(r, &in); err != nil {
		return site.Room{}, err
	}
	return s.Sites.SetRoomStatus(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Status, in.Version)
}

func (s *Handler) doAddStaff(r *http.Request) (site.Staff, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Staff{}, err
	}
	var in staffIn
	if err := web.Bind(r, &in); err != nil {
		return site.Staff{}, err
	}
	return s.Sites.AddStaff(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.Staff{Name: in.Name, Post: in.Post, Phone: in.Phone,
		IDNumber: in.IDNumber, LastTestOn: in.LastTestOn, Doses: in.Doses, LastDoseOn: in.LastDoseOn})
}

// doUpdateStaff records a staff member's test, vaccination or leaving; the
// name, post, phone and ID number are kept unless given (API).
func (s *Handler) doUpdateStaff(r *http.Request) (site.Staff, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Staff{}, err
	}
	scope := web.User(r).Scope()
	old, _, err := s.Sites.StaffMember(r.Context(), scope, id)
	if err != nil {
		return site.Staff{}, err
	}
	in := staffIn{Name: old.Name, Post: old.Post, Phone: old.Phone, IDNumber: old.IDNumber, LastTestOn: old.LastTestOn,
		Doses: old.Doses, LastDoseOn: old.LastDoseOn, Left: !old.Active}
	if err := web.Bind(r, &in); err != nil {
		return site.Staff{}, err
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		// The page's form carries only these fields.
		in.Name, in.Post, in.Phone, in.IDNumber = old.Name, old.Post, old.Phone, old.IDNumber
	}
	return s.Sites.UpdateStaff(r.Context(), web.Actor(r), scope, site.Staff{ID: id, Name: in.Name, Post: in.Post, Phone: in.Phone,
		IDNumber: in.IDNumber, LastTestOn: in.LastTestOn, Doses: in.Doses, LastDoseOn: in.LastDoseOn, Active: !in.Left, Version: in.Version})
}

func (s *Handler) doTransfer(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	var in transferIn
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, err
	}
	at, err := web.ParseLocalTime("转运时间", in.TransferAt)
	if err != nil {
		return site.Stay{}, err
	}
	return s.Sites.Transfer(r.Context(), web.Actor(r), web.User(r).Scope(), id, site.TransferInput{IDNumber: in.IDNumber, PersonID: in.PersonID,
		Reason: in.Reason, FromPlace: in.FromPlace, Vehicle: in.Vehicle, TransferAt: at, RoomID: in.RoomID, Note: in.Note})
}

func (s *Handler) doCheckIn(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	var in checkInIn
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, err
	}
	return s.Sites.CheckIn(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Version, in.RoomID, in.RoomVersion)
}

func (s *Handler) doCheckOut(r *http.Request) (site.Stay, error) {
	id, err := web.PathID(r)
	if err != nil {
		return site.Stay{}, err
	}
	var in checkOutIn
	if err := web.Bind(r, &in); err != nil {
		return site.Stay{}, err
	}
	return s.Sites.CheckOut(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.Version, in.Outcome, in.To, in.Note)
}

// checkInputs reads the checklist form: result_N, date_N, note_N per item.
func checkInputs(r *http.Request) []site.CheckInput {
	var out []site.CheckInput
	for i, it := range site.CheckItems {
		n := strconv.Itoa(i)
		out = append(out, site.CheckInput{Item: it.Name, Result: r.FormValue("result_" + n),
			CheckedOn: strings.TrimSpace(r.FormValue("date_" + n)), Note: strings.TrimSpace(r.FormValue("note_" + n))})
	}
	return out
}

func stayFilterOf(r *http.Request, page int) site.StayFilter {
	q := r.URL.Query()
	siteID, _ := strconv.ParseInt(q.Get("site"), 10, 64)
	limit, offset := web.PageSize+1, (page-1)*web.PageSize
	if strings.HasPrefix(r.URL.Path, "/api/") {
		limit, offset = web.ListParams(q)
	}
	return site.StayFilter{SiteID: siteID, Open: q.Get("open") == "1", Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")),
		Limit: limit, Offset: offset}
}

// --- pages

func (s *Handler) siteList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Sites.Sites(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	var total site.Occupancy
	for _, x := range list {
		total.Add(x.Occupancy)
	}
	return s.render(w, r, http.StatusOK, "site_list", "集中隔离点", map[string]any{"Sites": list, "Total": total})
}

// siteUnits are the units a site may belong to: the counties and townships
// of the user's scope.
func (s *Handler) siteUnits(r *http.Request) []jurisdiction.Unit {
	ctx, scope := r.Context(), web.User(r).Scope()
	var out []jurisdiction.Unit
	for _, lvl := range []int{jurisdiction.LevelCounty, jurisdiction.LevelTownship} {
		if us, err := s.Units.Units(ctx, scope, lvl); err == nil {
			out = append(out, us...)
		}
	}
	return out
}

func (s *Handler) siteFormData(r *http.Request, x site.Site, isNew bool) map[string]any {
	return map[string]any{"S": x, "IsNew": isNew, "Units": s.siteUnits(r), "Statuses": site.SiteStatuses}
}

func (s *Handler) siteNew(w http.ResponseWriter, r *http.Request) error {
	x := site.Site{UnitCode: web.User(r).UnitCode, Status: site.SiteActive, StaffTestEvery: 1}
	return s.render(w, r, http.StatusOK, "site_form", "新增隔离点", s.siteFormData(r, x, true))
}

// formSite is what the site form sent, to show it again with the error.
func formSite(r *http.Request, id int64) site.Site {
	var in siteIn
	web.Bind(r, &in)
	return in.site(id)
}

func (s *Handler) siteCreate(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doCreateSite(r)
	if err != nil {
		return s.formError(w, r, err, "site_form", "新增隔离点", s.siteFormData(r, formSite(r, 0), true))
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", x.ID), "隔离点已新增，请添加房间并完成三区两通道检查")
}

func (s *Handler) siteEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, err := s.Sites.Site(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "site_form", "修改隔离点", s.siteFormData(r, x, false))
}

func (s *Handler) siteUpdate(w http.ResponseWriter, r *http.Request) error {
	x, err := s.doUpdateSite(r)
	if errors.Is(err, errs.ErrNotFound) {
		return err
	}
	if err != nil {
		id, _ := web.PathID(r)
		return s.formError(w, r, err, "site_form", "修改隔离点", s.siteFormData(r, formSite(r, id), false))
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", x.ID), "已保存")
}

func (s *Handler) sitePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	x, err := s.Sites.Site(ctx, scope, id)
	if err != nil {
		return err
	}
	rooms, err := s.Sites.Rooms(ctx, scope, id)
	if err != nil {
		return err
	}
	stays, err := s.Sites.Stays(ctx, scope, site.StayFilter{SiteID: id, Open: true, Limit: 500})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "site_detail", x.Name, map[string]any{"S": x, "Floors": site.Floors(rooms), "Stays": stays})
}

func (s *Handler) siteAddRooms(w http.ResponseWriter, r *http.Request) error {
	id, added, skipped, err := s.doAddRooms(r)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("已添加 %d 间房间", added)
	if skipped > 0 {
		msg += fmt.Sprintf("，%d 间房间号已存在未重复添加", skipped)
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", id), msg)
}

func (s *Handler) siteRoomStatus(w http.ResponseWriter, r *http.Request) error {
	room, err := s.doRoomStatus(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d", room.SiteID), "房间 "+room.No+" 已设为"+room.Status)
}

func (s *Handler) siteChecklist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	x, err := s.Sites.Site(ctx, scope, id)
	if err != nil {
		return err
	}
	checks, ready, err := s.Sites.Checklist(ctx, scope, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "site_checklist", x.Name+" 三区两通道", map[string]any{"S": x, "Checks": checks, "Ready": ready,
		"Today": clock.Day(s.Now())})
}

func (s *Handler) siteSaveChecklist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ready, err := s.Sites.SaveChecks(r.Context(), web.Actor(r), web.User(r).Scope(), id, checkInputs(r))
	if err != nil {
		return err
	}
	msg := "检查结果已保存：尚未达标"
	if ready {
		msg = "检查结果已保存：已达标"
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/checklist", id), msg)
}

func (s *Handler) siteStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	staff, x, err := s.Sites.StaffList(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	overdue := 0
	for _, st := range staff {
		if st.Active && st.TestState == site.TestOverdue {
			overdue++
		}
	}
	return s.render(w, r, http.StatusOK, "site_staff", x.Name+" 工作人员", map[string]any{"S": x, "Staff": staff, "Overdue": overdue,
		"Posts": site.Posts, "Today": clock.Day(s.Now())})
}

func (s *Handler) siteAddStaff(w http.ResponseWriter, r *http.Request) error {
	st, err := s.doAddStaff(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/staff", st.SiteID), "已添加工作人员 "+st.Name)
}

func (s *Handler) siteUpdateStaff(w http.ResponseWriter, r *http.Request) error {
	st, err := s.doUpdateStaff(r)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/sites/%d/staff", st.SiteID), "已更新 "+st.Name)
}

func (s *Handler) siteTransferForm(w http.ResponseWriter, r *http.Request) error {
	d, err := s.transferFormData(r, transferIn{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "site_transfer", "转运登记", d)
}

// transferFormData is the transfer form of the site in the path, filled
// with in (what was sent, when shown again with an error).
func (s *Handler) transferFormData(r *http.Request, in transferIn) (map[string]any, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	x, err := s.Sites.Site(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	rooms, err := s.Sites.Rooms(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	if in.TransferAt == "" {
		in.TransferAt = s.Now().In(clock.Shanghai).Format("2006-01-02T15:04")
	}
	return map[string]any{"S": x, "Free": freeRooms(rooms), "Reasons": site.Reasons, "In": in}, nil
}

func freeRooms(rooms []site.Room) []site.Room {
	var out []site.Room
	for _, r := range rooms {
		if (r.Status == site.RoomFree || r.Status == site.RoomOccupied) && r.Occupants < r.Beds {
			out = append(out, r)
		}
	}
	return out
}

func (s *Handler) siteTransfer(w http.ResponseWriter, r *http.Request) error {
	st, err := s.doTransfer(r)
	warning, err := stayWarning(st, err)
	if err != nil {
		var in transferIn
		web.Bind(r, &in)
		d, derr := s.transferFormData(r, in)
		if derr != nil {
			return err
		}
		return s.formError(w, r, err, "site_transfer", "转运登记", d)
	}
	msg := st.PersonName + " " + st.Status
	if warning != "" {
		msg += "；" + warning
	}
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

func (s *Handler) stayList(w http.ResponseWriter, r *http.Request) error {
	page := web.PageOf(r)
	rows, err := s.Sites.Stays(r.Context(), web.User(r).Scope(), stayFilterOf(r, page))
	if err != nil {
		return err
	}
	pg := web.PagingFor(r, page, len(rows))
	if len(rows) > web.PageSize {
		rows = rows[:web.PageSize]
	}
	return s.render(w, r, http.StatusOK, "site_stays", "隔离人员", map[string]any{"Rows": rows, "Paging": pg, "Q": r.URL.Query(),
		"Statuses": []string{site.StayTransfer, site.StayIn, site.StayOut, site.StayReleased}})
}

func (s *Handler) stayPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx, scope := r.Context(), web.User(r).Scope()
	st, err := s.Sites.ViewStay(ctx, web.Actor(r), scope, id)
	if err != nil {
		return err
	}
	d := map[string]any{"St": st, "Outcomes": site.Outcomes}
	// Only those who run the site act on the stay.
	if web.User(r).Can(auth.CapSitesManage) && scope.Contains(st.SiteUnit) && st.Status == site.StayTransfer {
		if rooms, err := s.Sites.Rooms(ctx, scope, st.SiteID); err == nil {
			d["Free"] = freeRooms(rooms)
		}
	}
	d["Manage"] = web.User(r).Can(auth.CapSitesManage) && scope.Contains(st.SiteUnit)
	return s.render(w, r, http.StatusOK, "site_stay", st.PersonName+" · 隔离记录", d)
}

func (s *Handler) stayCheckIn(w http.ResponseWriter, r *http.Request) error {
	st, err := s.doCheckIn(r)
	warning, err := stayWarning(st, err)
	if err != nil {
		return err
	}
	msg := st.PersonName + " 已入住 " + st.RoomNo
	if warning != "" {
		msg += "；" + warning
	}
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

func (s *Handler) stayCheckOut(w http.ResponseWriter, r *http.Request) error {
	st, err := s.doCheckOut(r)
	warning, err := stayWarning(st, err)
	if err != nil {
		return err
	}
	msg := st.PersonName + " " + st.Outcome
	if st.RoomNo != "" {
		msg += "，房间 " + st.RoomNo + " 待消杀"
	}
	if warning != "" {
		msg += "；" + warning
	}
	return web.Redirect(w, r, fmt.Sprintf("/site-stays/%d", st.ID), msg)
}

func (s *Handler) siteOccupancy(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Sites.Occupancy(r.Context(), web.User(r).Scope(), r.URL.Query().Get("unit"))
	if err != nil {
		if errs.IsInvalid(err) || errors.Is(err, errs.ErrNotFound) {
			return fmt.Errorf("occupancy: %w", errs.ErrNotFound)
		}
		return err
	}
	return s.render(w, r, http.StatusOK, "site_occupancy", "隔离资源 · "+d.Unit.Name, d)
}
