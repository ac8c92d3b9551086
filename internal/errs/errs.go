// Package errs defines the kinds of failure the domain reports (错误类型), so
// that one function in the web layer turns each kind into an HTTP status and a
// message a cadre understands.
package errs

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound: the record does not exist or lies outside the caller's jurisdiction.
	ErrNotFound = errors.New("记录不存在或不在您的辖区内")
	// ErrForbidden: the caller's role may not do this.
	ErrForbidden = errors.New("您的角色无权进行此操作")
	// ErrConflict: the record changed since it was read, or would duplicate another.
	ErrConflict = errors.New("记录已被他人修改或与已有记录重复，请刷新后重试")
	// ErrUnauthenticated: no valid session or token.
	ErrUnauthenticated = errors.New("请先登录")
	// ErrTooMany: throttled; try later.
	ErrTooMany = errors.New("请求过于频繁，请稍后再试")
)

// Invalid is a validation failure of one field, with a message in Chinese.
type Invalid struct {
	Field   string
	Message string
}

func (e *Invalid) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + "：" + e.Message
}

// Invalidf builds an *Invalid.
func Invalidf(field, format string, args ...any) error {
	return &Invalid{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict wraps ErrConflict with a specific message.
type Conflict struct{ Message string }

func (e *Conflict) Error() string { return e.Message }
func (e *Conflict) Unwrap() error { return ErrConflict }

// IsInvalid reports a validation failure.
func IsInvalid(err error) bool {
	var iv *Invalid
	return errors.As(err, &iv)
}
