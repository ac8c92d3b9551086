package samplingweb

import (
	"errors"
	"net/http"

	"fangkong/internal/errs"
	"fangkong/internal/sampling"
	"fangkong/internal/web"
)

// Lab results (检测结果): a lab's sheet uploaded on the page, or rows as
// JSON. With mode "good" the valid rows are applied despite bad ones;
// otherwise any bad row applies nothing. Row errors answer 422.

// resultsIn is the lab and mode, and the JSON's rows (the page sends a file).
type resultsIn struct {
	LabID   int64                `json:"lab_id"`
	Mode    string               `json:"mode"`
	Results []sampling.ResultRow `json:"results"`
}

type resultsView struct {
	C     sampling.Campaign
	Labs  []sampling.Lab
	R     *sampling.ResultReport
	Shown []sampling.RowError
	Note  web.ErrorNote
	// LabID and Mode are what the user chose, kept for the next upload.
	LabID int64
	Mode  string
}

func (h *Handler) samplingResultsPage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	labs, err := h.sampling.Labs(r.Context(), web.User(r).Scope(), c.ID)
	if err != nil {
		return err
	}
	return h.render(w, r, "sampling_results", "上传检测结果 · "+c.Name, resultsView{C: c, Labs: labs})
}

func (h *Handler) samplingResultsUpload(w http.ResponseWriter, r *http.Request) error {
	c, err := h.campaignOf(r)
	if err != nil {
		return err
	}
	labs, err := h.sampling.Labs(r.Context(), web.User(r).Scope(), c.ID)
	if err != nil {
		return err
	}
	f, size, err := web.SaveUpload(r, "file")
	if f != nil {
		defer f.Close()
	}
	var in resultsIn
	if bindErr := web.Bind(r, &in); err == nil {
		err = bindErr // the file's error first; the lab and mode are kept either way
	}
	v := resultsView{C: c, Labs: labs, LabID: in.LabID, Mode: in.Mode}
	if err != nil {
		return h.pages.FormError(w, r, fileField(err), "sampling_results", "上传检测结果 · "+c.Name, v)
	}
	rep, err := h.sampling.ImportResults(r.Context(), web.Actor(r), web.User(r).Scope(), c.ID, in.LabID, f, size, in.Mode == "good")
	if err != nil {
		return h.pages.FormError(w, r, fileField(err), "sampling_results", "上传检测结果 · "+c.Name, v)
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	v.R, v.Shown = &rep, web.FirstErrors(rep.Errors)
	v.Note = h.srv.NoteErrors(r, rep.BadRows, len(v.Shown), "检测结果上传错误报告.xlsx", rep.ErrorFile)
	return h.pages.Render(w, r, status, "sampling_results", "上传检测结果 · "+c.Name, v)
}

// apiResults records results as JSON: {"lab_id", "mode": "all"|"good",
// "results": [{"tube", "result"}]}.
func (h *Handler) apiResults(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in resultsIn
	if err := web.Bind(r, &in); err != nil {
		return err
	}
	rep, err := h.sampling.RecordResults(r.Context(), web.Actor(r), web.User(r).Scope(), id, in.LabID, in.Results, in.Mode == "good")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return web.WriteJSON(w, status, rep)
}

// fileField names the file input for an error about the file ("文件"),
// whose label (结果表…) does not read 文件: the message then stands beside
// the input and not only atop the page.
func fileField(err error) error {
	var iv *errs.Invalid
	if errors.As(err, &iv) && iv.Field == "文件" {
		return &errs.Invalid{Field: "file", Message: iv.Message}
	}
	return err
}
