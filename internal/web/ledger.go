package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"fangkong/internal/clock"
	"fangkong/internal/errs"
	"fangkong/internal/registry"
	"fangkong/internal/sheet"
)

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.Can("people.export") && !u.Can("people.import") {
		return errs.ErrForbidden
	}
	return s.render(w, r, http.StatusOK, "ledger", "台账导入导出", map[string]any{"Unit": u.UnitCode, "Headers": registry.LedgerHeaders})
}

// ledgerExport streams the ledger of a unit as XLSX.
func (s *Server) ledgerExport(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
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
	_, err := s.Registry.ExportLedger(r.Context(), actor(r), u.Scope(), unit, w)
	if err != nil {
		s.Logger.Error("export", "err", err, "unit", unit, "request_id", requestID(r))
	}
	return nil
}

// ledgerTemplate serves an empty ledger (the headers only) to fill in.
func (s *Server) ledgerTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"template.xlsx\"; filename*=UTF-8''"+url.PathEscape("台账导入模板.xlsx"))
	sw, err := sheet.NewWriter(w, "台账", registry.LedgerHeaders, nil)
	if err != nil {
		return err
	}
	return sw.Close()
}

// saveUpload copies the uploaded file to a temporary file the importer can
// read at random (XLSX is a zip).
func saveUpload(r *http.Request, field string) (*os.File, int64, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, 0, errs.Invalidf("文件", "文件超过%dMB上限", maxUpload>>20)
		}
		return nil, 0, errs.Invalidf("文件", "请选择要导入的文件")
	}
	f, _, err := r.FormFile(field)
	if err != nil {
		return nil, 0, errs.Invalidf("文件", "请选择要导入的文件")
	}
	defer f.Close()
	tmp, err := os.CreateTemp("", "fangkong-upload-*")
	if err != nil {
		return nil, 0, err
	}
	os.Remove(tmp.Name()) // unlinked: gone when closed
	n, err := io.Copy(tmp, f)
	if err != nil {
		tmp.Close()
		return nil, 0, err
	}
	return tmp, n, nil
}

func (s *Server) importLedger(r *http.Request) (registry.ImportReport, error) {
	mode, err := registry.ParseImportMode(r.FormValue("mode"))
	if err != nil {
		return registry.ImportReport{}, err
	}
	f, size, err := saveUpload(r, "file")
	if err != nil {
		return registry.ImportReport{}, err
	}
	defer f.Close()
	return s.Registry.ImportLedger(r.Context(), actor(r), currentUser(r).Scope(), f, size, mode)
}

func (s *Server) ledgerImport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.importLedger(r)
	if err != nil {
		if errs.IsInvalid(err) {
			_, msg, _ := statusOf(err)
			return s.renderView(w, r, http.StatusBadRequest, "ledger", view{Title: "台账导入导出", Error: msg,
				D: map[string]any{"Unit": currentUser(r).UnitCode, "Headers": registry.LedgerHeaders}})
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
