// Package placetest gives tests the national place resolver (地名解析)
// built from ../shared/data, loaded once per test binary; a test is skipped
// when the data is not there.
package placetest

import (
	"sync"
	"testing"

	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/place"
)

var (
	once     sync.Once
	resolver *place.Resolver
	loadErr  error
)

// National is the resolver of all five levels of ../shared/data.
func National(t testing.TB) *place.Resolver {
	t.Helper()
	dir := dbtest.SharedData(t)
	once.Do(func() { resolver, loadErr = place.Load(jurisdiction.DirSource(dir)) })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return resolver
}
