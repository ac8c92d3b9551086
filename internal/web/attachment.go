package web

import (
	"net/http"
	"net/url"
)

// XLSXContentType is the media type of an .xlsx workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Attachment sets the headers of a download: its type, an ASCII file name
// for old clients and the real (Chinese) name for the rest, and no caching
// (downloads carry personal data).
func Attachment(w http.ResponseWriter, contentType, asciiName, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+asciiName+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
}
