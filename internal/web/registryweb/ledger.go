package registryweb

import (
	"fmt"
	"net/http"

	"fangkong/internal/auth"
	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

// ledgerView is the ledger page's data: the unit to export by default and
// the columns of an import.
type ledgerView struct {
	Unit    string
	Headers []string
	Mode    string // the import mode chosen, kept after an error
}

// ledgerReportView is an import's result page: the report, the first row
// errors and the address of all of them.
type ledgerReportView struct {
	R     registry.ImportReport
	Shown []registry.RowError
	Note  web.ErrorNote
}

func (h *Handler) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	if !u.Can(auth.CapPeopleExport) && !u.Can(auth.CapPeopleImport) {
		return errs.ErrForbidden
	}
	return h.pages.Render(w, r, http.StatusOK, "ledger", "台账导入导出", ledgerView{Unit: h.unitName(r), Headers: registry.LedgerHeaders})
}

// ledgerExport streams the ledger of a unit as XLSX.
func (h *Handler) ledgerExport(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	// The unit by name or code (西街社区, 610118001001).
	unit, err := h.srv.NamedUnit(r.Context(), u.Scope(), "unit", r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if unit == "" {
		unit = u.UnitCode
	}
	// Check the unit before the first byte goes out, so a 404 is still possible.
	un, err := h.units.Get(r.Context(), u.Scope(), unit)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("台账-%s-%s.xlsx", un.Name, clock.Day(h.srv.Now()))
	web.Attachment(w, web.XLSXContentType, "ledger.xlsx", name)
	if _, err := h.registry.ExportLedger(r.Context(), web.Actor(r), u.Scope(), unit, w); err != nil {
		h.srv.Logger.Error("export", "err", err, "unit", unit, "request_id", web.RequestID(r))
	}
	return nil
}

// ledgerTemplate serves an empty ledger (the headers only) to fill in.
func (h *Handler) ledgerTemplate(w http.ResponseWriter, r *http.Request) error {
	web.Attachment(w, web.XLSXContentType, "template.xlsx", "台账导入模板.xlsx")
	sw, err := sheet.NewWriter(w, "台账", registry.LedgerHeaders, nil)
	if err != nil {
		return err
	}
	return sw.Close()
}

// importLedger reads the uploaded ledger (multipart: "file" and "mode")
// of the page and the API alike, and imports it.
func (h *Handler) importLedger(r *http.Request) (registry.ImportReport, error) {
	mode, err := registry.ParseImportMode(r.FormValue("mode"))
	if err != nil {
		return registry.ImportReport{}, err
	}
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return registry.ImportReport{}, err
	}
	defer f.Close()
	return h.registry.ImportLedger(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, mode)
}

// importStatus is 422 when rows were bad.
func importStatus(rep registry.ImportReport) int {
	if rep.BadRows > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

func (h *Handler) ledgerImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.importLedger(r)
	if err != nil {
		if errs.IsInvalid(err) {
			// Beside the file field: every such error is about the file.
			return h.pages.RenderView(w, r, http.StatusBadRequest, "ledger", web.View{Title: "台账导入导出", Error: web.Message(err), Field: "file",
				D: ledgerView{Unit: h.unitName(r), Headers: registry.LedgerHeaders, Mode: r.FormValue("mode")}})
		}
		return err
	}
	shown := web.FirstErrors(rep.Errors)
	return h.pages.Render(w, r, importStatus(rep), "ledger_report", "导入结果", ledgerReportView{R: rep, Shown: shown,
		Note: h.srv.NoteErrors(r, rep.BadRows, len(shown), "台账导入错误报告.xlsx", rep.ErrorFile)})
}

func (h *Handler) apiImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.importLedger(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, importStatus(rep), rep)
}

// unitName is the signed-in user's unit by name, the export's default
// (the code when the unit cannot be read).
func (h *Handler) unitName(r *http.Request) string {
	u := web.User(r)
	if un, err := h.units.Get(r.Context(), u.Scope(), u.UnitCode); err == nil && un.Name != "" {
		return un.Name
	}
	return u.UnitCode
}
