package web

import (
	"errors"
	"io"
	"net/http"
	"os"

	"fangkong/internal/errs"
)

// SaveUpload copies the uploaded file of a multipart form field to an
// unlinked temporary file the importer can read at random (XLSX is a zip);
// the caller closes it.
func SaveUpload(r *http.Request, field string) (*os.File, int64, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, 0, errs.Invalidf("文件", "文件超过%dMB上限", MaxUpload>>20)
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
