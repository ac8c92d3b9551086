// Package wire checks the dependencies a service is constructed with: each
// is required, so that a missing one fails at start-up instead of silently
// doing nothing. Packages that want "none" pass a no-op named as such.
package wire

import (
	"fmt"
	"reflect"
)

// Need panics when v is nil or a nil pointer, func, map, slice, channel or
// interface (a service used before it was built). ctor and name say where.
func Need(ctor, name string, v any) {
	if v == nil {
		panic(fmt.Sprintf("%s: %s is nil (pass an explicit no-op when there is none)", ctor, name))
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		if rv.IsNil() {
			panic(fmt.Sprintf("%s: %s is a nil %T (built after it is used?)", ctor, name, v))
		}
	}
}
