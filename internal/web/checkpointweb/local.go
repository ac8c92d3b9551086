package checkpointweb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fangkong/internal/checkpoint"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
)

// localEndings end the name of a village or township of the county
// (南涝村, 西街社区, 甘亭街道); a place elsewhere is named with its county.
var localEndings = []string{"村", "社区", "村委会", "居委会", "村民委员会", "居民委员会", "街道", "镇", "乡"}

// localFrom reads a where-from typed as a village or township of the
// officer's jurisdiction (南涝村, 涝店南涝村): the checkpoint service reads
// places without knowing where it is, and took the county's own villages
// for unknown places. Such a name becomes the unit's name from the county
// down (鄠邑区涝店街道南涝村村委会), which it reads as that village.
// A name two villages of the jurisdiction share (韩村) is asked about by
// their names. Anything else is left as typed.
func (h *Handler) localFrom(ctx context.Context, scope jurisdiction.Scope, in *checkpoint.VehicleIn) error {
	for i := range in.People {
		from := strings.TrimSpace(in.People[i].From)
		if from == "" || !hasLocalEnding(from) {
			continue
		}
		u, err := h.units.Find(ctx, scope, "from", from)
		var iv *errs.Invalid
		if errors.As(err, &iv) && strings.Contains(iv.Message, "请写明是哪一个") {
			return errs.Invalidf(fmt.Sprintf("people.%d.from", i), "第%d人：%s；外地的请写明省市区县", i+1, iv.Message)
		}
		if err != nil || u.Level < jurisdiction.LevelTownship {
			continue
		}
		path, err := h.units.Path(ctx, u.Code)
		if err != nil {
			continue
		}
		var name strings.Builder
		for _, p := range path {
			if p.Level >= jurisdiction.LevelCounty {
				name.WriteString(p.Name)
			}
		}
		in.People[i].From = name.String()
	}
	return nil
}

func hasLocalEnding(s string) bool {
	for _, e := range localEndings {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}
