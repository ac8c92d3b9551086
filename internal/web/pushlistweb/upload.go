package pushlistweb

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// listsView is the page of imported lists with the upload form.
type listsView struct {
	Lists   []pushlist.List
	Sources []string
	Default int // deadline in hours
	// Source, Name and Deadline are what the upload form was sent with,
	// kept when it comes back with an error.
	Source, Name, Deadline string
}

// mapView is the mapping screen: the file's headers and first rows, and
// the field each header is taken for.
type mapView struct {
	Token, Source, Name string
	Deadline            string
	Headers             []string
	Fields              []pushlist.Field
	Mapping             map[string]string
	Saved               bool
	Sample              [][]string
	// The first rows of the sheet and the header's row number, so the
	// centre can choose another header row (表头在第N行).
	HeaderRow int
	Top       []sheet.Line
}

func (h *Handler) listsView(r *http.Request) (listsView, error) {
	lists, err := h.lists.Lists(r.Context(), web.User(r).Scope())
	return listsView{Lists: lists, Sources: pushlist.Sources, Default: pushlist.DefaultDeadlineHours}, err
}

func (h *Handler) listsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.listsView(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "pushlist_lists", "大数据推送名单", v)
}

// uploadPage stages the file and shows the mapping screen.
func (h *Handler) uploadPage(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return h.formError(w, r, err)
	}
	defer f.Close()
	v := mapView{Fields: pushlist.Fields, Source: strings.TrimSpace(r.FormValue("source")), Deadline: r.FormValue("deadline_hours")}
	if err := h.readMapView(r, f, size, 0, &v); err != nil {
		return h.formError(w, r, err)
	}
	b := make([]byte, 16)
	rand.Read(b)
	v.Token = hex.EncodeToString(b)
	sweepStaged()
	if err := stage(stagedPath(u.ID, v.Token), f); err != nil {
		return err
	}
	v.Name = strings.TrimSpace(r.FormValue("name"))
	if v.Name == "" {
		if _, fh, err := r.FormFile("file"); err == nil {
			v.Name = strings.TrimSuffix(fh.Filename, filepath.Ext(fh.Filename))
		}
	}
	return h.render(w, r, http.StatusOK, "pushlist_map", "对应表头", v)
}

// readMapView reads the header (detected, or at headerRow), the first data
// rows and the top of the sheet into v, with the suggested mapping.
func (h *Handler) readMapView(r *http.Request, f io.ReaderAt, size int64, headerRow int, v *mapView) error {
	rd, err := pushlist.OpenFile(f, size, headerRow)
	if err != nil {
		return err
	}
	defer rd.Close()
	v.Headers, v.HeaderRow, v.Top = rd.Header(), rd.HeaderRow(), rd.Top()
	for len(v.Sample) < 3 && rd.Next() {
		v.Sample = append(v.Sample, append([]string(nil), rd.Row()...))
	}
	v.Mapping, v.Saved, err = h.lists.SuggestMapping(r.Context(), v.Source, v.Headers)
	return err
}

// reheaderPage shows the mapping screen again with the header row the
// centre chose, the staged file kept.
func (h *Handler) reheaderPage(w http.ResponseWriter, r *http.Request, f *os.File, size int64, token string) error {
	v := mapView{Fields: pushlist.Fields, Source: strings.TrimSpace(r.FormValue("source")), Deadline: r.FormValue("deadline_hours"),
		Name: strings.TrimSpace(r.FormValue("name")), Token: token}
	row, err := strconv.Atoi(r.FormValue("header_row"))
	if err != nil || row < 1 {
		return h.formError(w, r, errs.Invalidf("表头行", "请选择表头所在的行"))
	}
	if err := h.readMapView(r, f, size, row, &v); err != nil {
		return h.formError(w, r, err)
	}
	return h.render(w, r, http.StatusOK, "pushlist_map", "对应表头", v)
}

// stage copies the upload to path, which must not exist.
func stage(path string, f io.ReadSeeker) error {
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
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
	return dst.Close()
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

// formError shows an invalid upload on the lists page; other errors go to
// the error page.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, err error) error {
	if !errs.IsInvalid(err) {
		return err
	}
	v, lerr := h.listsView(r)
	if lerr != nil {
		return lerr
	}
	v.Source, v.Name, v.Deadline = r.FormValue("source"), r.FormValue("name"), r.FormValue("deadline_hours")
	_, msg, field := web.StatusOf(err)
	return h.pages.RenderView(w, r, http.StatusBadRequest, "pushlist_lists", web.View{Title: "大数据推送名单",
		Error: msg, Field: field, D: v})
}

// importOptions is the one decoder of both imports: source, name,
// deadline_hours and the mapping, as JSON (mapping) or one map_<field> form
// value per field. The form is multipart on the API too, so web.Bind (JSON
// there) does not apply.
func importOptions(r *http.Request) (pushlist.ImportOptions, error) {
	opt := pushlist.ImportOptions{Source: r.FormValue("source"), Name: strings.TrimSpace(r.FormValue("name"))}
	if v := strings.TrimSpace(r.FormValue("deadline_hours")); v != "" {
		h, err := strconv.Atoi(v)
		if err != nil {
			return opt, errs.Invalidf("核查时限", "核查时限应为整数小时")
		}
		opt.DeadlineHours = h
	}
	if v := strings.TrimSpace(r.FormValue("header_row")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return opt, errs.Invalidf("表头行", "表头行应为正整数（文件中的行号）")
		}
		opt.HeaderRow = n
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

// importPage imports a staged upload with the mapping chosen on screen.
func (h *Handler) importPage(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	if err := r.ParseForm(); err != nil {
		return errs.Invalidf("", "表单无效")
	}
	token := r.FormValue("token")
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return h.formError(w, r, errs.Invalidf("文件", "上传已失效，请重新选择文件"))
	}
	path := stagedPath(u.ID, token)
	f, err := os.Open(path)
	if err != nil {
		return h.formError(w, r, errs.Invalidf("文件", "上传已失效，请重新选择文件"))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if r.FormValue("action") == "reheader" {
		defer f.Close()
		return h.reheaderPage(w, r, f, st.Size(), token)
	}
	opt, err := importOptions(r)
	if err == nil && opt.Mapping == nil {
		opt.Mapping = map[string]string{}
	}
	var l pushlist.List
	if err == nil {
		l, err = h.lists.Import(r.Context(), web.Actor(r), u.Scope(), f, st.Size(), opt)
	}
	if errs.IsInvalid(err) {
		// The mapping screen again with the message, the staged file kept
		// and the columns as the centre mapped them.
		defer f.Close()
		v := mapView{Fields: pushlist.Fields, Source: strings.TrimSpace(r.FormValue("source")), Deadline: r.FormValue("deadline_hours"),
			Name: strings.TrimSpace(r.FormValue("name")), Token: token}
		if rerr := h.readMapView(r, f, st.Size(), opt.HeaderRow, &v); rerr != nil {
			os.Remove(path)
			return h.formError(w, r, rerr)
		}
		if len(opt.Mapping) > 0 {
			v.Mapping = opt.Mapping
		}
		return h.pages.RenderView(w, r, http.StatusBadRequest, "pushlist_map", web.View{Title: "对应表头", Error: web.Message(err), D: v})
	}
	f.Close()
	os.Remove(path)
	if err != nil {
		return err
	}
	return web.Redirect(w, r, fmt.Sprintf("/pushlists/%d", l.ID), fmt.Sprintf("已导入%d行，全部已处理", l.Rows))
}

// importAPI imports a list in one request: multipart file, source, name,
// deadline_hours and optionally mapping (JSON) or map_<field> fields;
// without a mapping the source's saved one (or a guess) is used.
func (h *Handler) importAPI(w http.ResponseWriter, r *http.Request) error {
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return err
	}
	defer f.Close()
	opt, err := importOptions(r)
	if err != nil {
		return err
	}
	l, err := h.lists.Import(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, opt)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, listOut(l))
}
