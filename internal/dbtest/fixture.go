package dbtest

import (
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/personal"
)

// Villages of the small fixture tree (two townships of 鄠邑区).
const (
	County    = "610118"
	TownshipA = "610118001" // 甘亭街道
	TownshipB = "610118100" // 余下镇
	VillageA  = "610118001001"
	VillageA2 = "610118001003"
	VillageB  = "610118100001"
	GroupA1   = "610118001001001"
)

// Tree inserts a small real tree: 陕西省 → 西安市 → 鄠邑区 → two townships →
// three villages, and one group under VillageA.
func Tree(t testing.TB, d *db.DB) {
	t.Helper()
	units := []struct {
		code, parent string
		level        int
		name, kind   string
	}{
		{"61", "", 1, "陕西省", ""},
		{"6101", "61", 2, "西安市", ""},
		{County, "6101", 3, "鄠邑区", ""},
		{TownshipA, County, 4, "甘亭街道", "街道"},
		{TownshipB, County, 4, "余下镇", "镇"},
		{VillageA, TownshipA, 5, "西街社区居委会", "社区"},
		{VillageA2, TownshipA, 5, "东街社区居委会", "社区"},
		{VillageB, TownshipB, 5, "余下村委会", "村"},
		{GroupA1, VillageA, 6, "滨河花园", "小区"},
	}
	for _, u := range units {
		var parent any
		if u.parent != "" {
			parent = u.parent
		}
		if _, err := d.W().Exec("INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, $5, 0)",
			u.code, parent, u.level, u.name, u.kind); err != nil {
			t.Fatal(err)
		}
	}
}

// ID completes 17 digits into a valid 18-digit ID number.
func ID(first17 string) string { return first17 + string(personal.IDCheckDigit(first17)) }

// BadID is ID with a wrong check digit.
func BadID(first17 string) string {
	good := personal.IDCheckDigit(first17)
	for _, c := range "0123456789X" {
		if byte(c) != good {
			return first17 + string(c)
		}
	}
	return ""
}
