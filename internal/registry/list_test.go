package registry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fangkong/internal/db"
	"fangkong/internal/dbtest"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/registry"
)

// TestPeopleListPlaces checks what the people list shows beside each
// person, read in the list's own query: the village's name (of a person
// in a group too) and the household's address (none without a household),
// in list order (unit, household, id), on every page, masked.
func TestPeopleListPlaces(t *testing.T) {
	t.Parallel()
	dbtest.EachParallel(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		fill(t, s)
		county := jurisdiction.Grant(dbtest.County)
		line := func(rows []registry.PersonRow) string {
			var out []string
			for _, r := range rows {
				out = append(out, fmt.Sprintf("%s/%s/%s", r.Name, r.Village, r.Address))
			}
			return strings.Join(out, " ")
		}
		all, err := s.People(ctx, county, registry.PersonFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := "王桂兰/西街社区居委会/西街8号 张建华/西街社区居委会/滨河花园1号楼101室 李秀英/西街社区居委会/滨河花园1号楼101室 " +
			"张子涵/西街社区居委会/滨河花园1号楼101室 赵刚/余下村委会/"
		if got := line(all); got != want {
			t.Errorf("people list:\n got %s\nwant %s", got, want)
		}
		for _, r := range all {
			if r.IDMasked != "" && !strings.Contains(r.IDMasked, "*") {
				t.Errorf("%s: ID number %q not masked", r.Name, r.IDMasked)
			}
		}
		page, err := s.People(ctx, county, registry.PersonFilter{Limit: 2, Offset: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := line(page); got != "张子涵/西街社区居委会/滨河花园1号楼101室 赵刚/余下村委会/" {
			t.Errorf("page 2 of 2 rows from the 4th: %s", got)
		}
		// A filter walks the same order; outside the scope nothing is found.
		working, err := s.People(ctx, jurisdiction.Grant(dbtest.GroupA1), registry.PersonFilter{Residence: registry.ResidentWorking})
		if err != nil {
			t.Fatal(err)
		}
		if got := line(working); got != "李秀英/西街社区居委会/滨河花园1号楼101室" {
			t.Errorf("外出务工 in the group: %s", got)
		}
		if rows, _ := s.People(ctx, jurisdiction.Grant(dbtest.VillageB), registry.PersonFilter{Q: "张"}); len(rows) != 0 {
			t.Errorf("village B found %s", line(rows))
		}
	})
}
