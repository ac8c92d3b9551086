package legacyweb

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
	"fangkong/internal/web"
)

func (s *Handler) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	if !u.Can("people.export") && !u.Can("people.import") {
		return errs.ErrForbidden
	}
	return s.render(w, r, http.StatusOK, "ledger", "台账导入导出", map[string]any{"Unit": u.UnitCode, "Headers": registry.LedgerHeaders})
}

// ledgerExport streams the ledger of a unit as XLSX.
func (s *Handler) ledgerExport(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	unit := strings.TrimSpace(r.URL.Query().Get("unit"))
	if unit == "" {
		unit = u.UnitCode
	}
	// Check the unit before the first byte goes out, so a 404 is still possible.
	if _, err := s.Units.Get(r.Context(), u.Scope(), unit); err != nil {
		return err
	}
	name := fmt.Sprintf("台账-%s-%s.xlsx", unit, clock.Day(s.Now()))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	_, err := s.Registry.ExportLedger(r.Context(), web.Actor(r), u.Scope(), unit, w)
	if err != nil {
		s.Logger.Error("export", "err", err, "unit", unit, "request_id", web.RequestID(r))
	}
	return nil
}

// ledgerTemplate serves an empty ledger (the headers only) to fill in.
func (s *Handler) ledgerTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"template.xlsx\"; filename*=UTF-8''"+url.PathEscape("台账导入模板.xlsx"))
	sw, err := sheet.NewWriter(w, "台账", registry.LedgerHeaders, nil)
	if err != nil {
		return err
	}
	return sw.Close()
}

func (s *Handler) importLedger(r *http.Request) (registry.ImportReport, error) {
	mode, err := registry.ParseImportMode(r.FormValue("mode"))
	if err != nil {
		return registry.ImportReport{}, err
	}
	f, size, err := web.SaveUpload(r, "file")
	if err != nil {
		return registry.ImportReport{}, err
	}
	defer f.Close()
	return s.Registry.ImportLedger(r.Context(), web.Actor(r), web.User(r).Scope(), f, size, mode)
}

func (s *Handler) ledgerImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importLedger(r)
	if err != nil {
		if errs.IsInvalid(err) {
			_, msg, _ := web.StatusOf(err)
			return s.renderView(w, r, http.StatusBadRequest, "ledger", web.View{Title: "台账导入导出", Error: msg,
				D: map[string]any{"Unit": web.User(r).UnitCode, "Headers": registry.LedgerHeaders}})
		}
		return err
	}
	shown := rep.Errors
	if len(shown) > 1000 {
		shown = shown[:1000]
	}
	status := http.StatusOK
	if rep.BadRows > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, "ledger_report", "导入结果", map[string]any{"R": rep, "Shown": shown})
}
