package tracingweb

import (
	"html/template"
	"net/http"
	"strconv"

	"fangkong/internal/tracing"
	"fangkong/internal/web"
)

type placeListView struct {
	Places []tracing.Place
	Paging web.Paging
	Kinds  []string
	Q      string
	Unit   string
	In     tracing.Place
}

func (h *Handler) placeView(r *http.Request, in tracing.Place) (placeListView, error) {
	// A page at a time: a county has hundreds of places, and drawing them
	// all was most of the page's time.
	q := r.URL.Query()
	page := web.PageOf(r)
	list, err := h.tracing.PlacesPage(r.Context(), web.User(r).Scope(), q.Get("unit"), q.Get("q"), web.PageSize+1, (page-1)*web.PageSize)
	pg := web.PagingFor(r, page, len(list))
	if len(list) > web.PageSize {
		list = list[:web.PageSize]
	}
	return placeListView{Places: list, Paging: pg, Kinds: tracing.PlaceKinds, Q: q.Get("q"), Unit: q.Get("unit"), In: in}, err
}

func (h *Handler) placeList(w http.ResponseWriter, r *http.Request) error {
	v, err := h.placeView(r, tracing.Place{})
	if err != nil {
		return err
	}
	return h.render(w, r, "tracing_places", "场所码", v)
}

func (h *Handler) placeCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	// The unit typed by name (南涝村) or code; on an error, what was typed.
	code, err := h.srv.NamedUnit(r.Context(), web.User(r).Scope(), "unit_code", r.PostFormValue("unit_code"))
	in := tracing.Place{Name: r.PostFormValue("name"), Code: r.PostFormValue("code"), Kind: r.PostFormValue("kind"),
		UnitCode: code, Address: r.PostFormValue("address")}
	var p tracing.Place
	if err == nil {
		p, err = h.tracing.CreatePlace(r.Context(), web.Actor(r), web.User(r).Scope(), in)
	}
	if err != nil {
		v, verr := h.placeView(r, in)
		if verr != nil {
			return err
		}
		return h.pages.FormError(w, r, err, "tracing_places", "场所码", v)
	}
	return web.Redirect(w, r, "/tracing/places/"+strconv.FormatInt(p.ID, 10)+"/poster", "已登记场所 "+p.Name)
}

// scanURL is the public address a place poster's QR code points to.
func (h *Handler) scanURL(r *http.Request, token string) string {
	scheme := "http"
	if h.srv.SecureCookies || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/s/" + token
}

type posterView struct {
	P   tracing.Place
	URL string
	QR  template.HTML
}

func (h *Handler) placePoster(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := h.tracing.Place(r.Context(), web.User(r).Scope(), id)
	if err != nil {
		return err
	}
	link := h.scanURL(r, p.Token)
	return h.render(w, r, "tracing_poster", p.Name+" 场所码", posterView{P: p, URL: link, QR: web.QRSVG(link, 320)})
}

// --- The public scan page (扫码登记): the place's name, a form; nothing
// of anyone is shown back.

type scanView struct {
	P    tracing.Place
	Done bool
	In   tracing.ScanInput
}

func (h *Handler) scanForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.tracing.PlaceByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.render(w, r, "tracing_scan", p.Name+" 扫码登记", scanView{P: p})
}

func (h *Handler) scanSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := tracing.ScanInput{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), IDNumber: r.PostFormValue("id_number")}
	p, err := h.tracing.PublicScan(r.Context(), r.PathValue("token"), in)
	if err != nil {
		status, msg, field := web.StatusOf(err)
		if status != http.StatusBadRequest {
			return err
		}
		pl, perr := h.tracing.PlaceByToken(r.Context(), r.PathValue("token"))
		if perr != nil {
			return perr
		}
		// The message stands beside the field it concerns (the layout's
		// banner shows it too).
		return h.pages.RenderView(w, r, http.StatusBadRequest, "tracing_scan", web.View{Title: pl.Name + " 扫码登记", Error: msg, Field: field,
			D: scanView{P: pl, In: in}})
	}
	return h.render(w, r, "tracing_scan", p.Name+" 扫码登记", scanView{P: p, Done: true})
}

// --- Scan-log import.

type importView struct {
	R     *tracing.ImportResult
	Shown []tracing.RowError
	Year  string // as typed, kept for the next upload
	Mode  string // "all" (nothing when a row is bad) or "good"
}

func (h *Handler) importForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, "tracing_import", "导入扫码记录", importView{})
}

func (h *Handler) importScans(w http.ResponseWriter, r *http.Request) error {
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return err
	}
	defer f.Close()
	year, _ := strconv.Atoi(r.FormValue("year"))
	mode := r.FormValue("mode")
	imp := h.tracing.ImportScans
	if mode == "all" {
		imp = h.tracing.ImportScansAllOrNothing
	}
	res, err := imp(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, year)
	if err != nil {
		return h.pages.FormError(w, r, err, "tracing_import", "导入扫码记录", importView{Year: r.FormValue("year"), Mode: mode})
	}
	status := http.StatusOK
	if res.Failed > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.pages.Render(w, r, status, "tracing_import", "导入扫码记录", importView{R: &res, Shown: res.Errors, Year: r.FormValue("year"), Mode: mode})
}
