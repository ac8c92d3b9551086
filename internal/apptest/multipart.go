package apptest

import (
	"bytes"
	"io"
	"mime/multipart"
)

func multipartBody(filename string, content []byte, fields map[string]string, csrf string) (io.Reader, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		w.WriteField("csrf_token", csrf)
	}
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", filename)
	fw.Write(content)
	w.Close()
	return &buf, w.FormDataContentType()
}
