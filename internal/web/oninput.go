package web

import (
	"errors"
	"net/http"

	"fangkong/internal/errs"
)

// OnInput names the page's input a domain error concerns when the error
// names it otherwise (inputs maps the domain's field, e.g. "最近检测日期",
// to the input's name, last_test_on), so the message stands beside that
// input (RenderView, refill); the text keeps the domain's field name. The
// API keeps the domain's field.
func OnInput(r *http.Request, err error, inputs map[string]string) error {
	var iv *errs.Invalid
	if IsAPI(r) || !errors.As(err, &iv) {
		return err
	}
	if name, ok := inputs[iv.Field]; ok {
		return &errs.Invalid{Field: name, Message: iv.Error()}
	}
	return err
}
