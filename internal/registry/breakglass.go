package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Break-the-glass (跨辖区查看): a user whose role allows it may read one
// person outside their jurisdiction — a 协查 from another county, an
// emergency — by giving the person's exact ID number and a reason. The
// request is a one-time grant for that person, valid BreakGlassTTL and
// used by the first read; the request and the read are both audited with
// the reason under the person's unit, so the administrators of the
// person's jurisdiction see them in their audit log (action break_glass).

// BreakGlassTTL is how long a grant may wait for its one read.
const BreakGlassTTL = 10 * time.Minute

// BreakGlassKinds are the reasons a read outside the jurisdiction may have.
var BreakGlassKinds = []string{"协查", "紧急救治", "其他紧急情况"}

// BreakGlassGrant is a one-time grant to read one person.
type BreakGlassGrant struct {
	ID        int64
	UserID    int64
	PersonID  int64
	UnitCode  string // the person's unit when granted
	Kind      string
	Reason    string
	CreatedAt int64
	ExpiresAt int64
}

// BreakGlassRead is what a used grant shows: the person and their household.
type BreakGlassRead struct {
	Grant     BreakGlassGrant
	Person    Person
	Household *Household
}

// RequestBreakGlass grants who one read of the person with the ID number,
// for a reason, when the person lies outside scope; inside it there is
// nothing to grant, and the person's id comes back with inside true. A
// number nobody registered is not found (the attempt is audited too).
func (s *Service) RequestBreakGlass(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, idNumber, kind, reason string) (g BreakGlassGrant, inside bool, err error) {
	id, err := personal.NormalizeIDNumber(idNumber)
	if err != nil {
		return g, false, errs.Invalidf("身份证号", "%s", err.Error())
	}
	if !slices.Contains(BreakGlassKinds, kind) {
		return g, false, errs.Invalidf("事由", "请选择事由：%s", strings.Join(BreakGlassKinds, "、"))
	}
	if reason, err = personal.Text(reason); err != nil {
		return g, false, errs.Invalidf("理由", "%s", err.Error())
	}
	if n := len([]rune(reason)); n < 6 || n > 200 {
		return g, false, errs.Invalidf("理由", "请说明理由（6到200字），如协查函编号、来电单位和事由")
	}
	if who.UserID == 0 {
		return g, false, errs.ErrForbidden
	}
	var unit string
	err = s.db.R().QueryRowContext(ctx, "SELECT id, unit_code FROM people WHERE id_number = $1", id).Scan(&g.PersonID, &unit)
	if errors.Is(err, sql.ErrNoRows) {
		if err := s.record(ctx, s.db.W(), who, audit.ActionBreakGlass, "person", 0, who.Unit,
			fmt.Sprintf("跨辖区查看：查无此人（%s），%s：%s", personal.MaskID(id), kind, reason)); err != nil {
			return g, false, err
		}
		return g, false, fmt.Errorf("break glass: %w", errs.ErrNotFound)
	}
	if err != nil {
		return g, false, fmt.Errorf("break glass: %w", err)
	}
	if scope.Contains(unit) {
		return BreakGlassGrant{PersonID: g.PersonID, UnitCode: unit}, true, nil
	}
	now := s.now()
	g = BreakGlassGrant{UserID: who.UserID, PersonID: g.PersonID, UnitCode: unit, Kind: kind, Reason: reason,
		CreatedAt: now.UnixMilli(), ExpiresAt: now.Add(BreakGlassTTL).UnixMilli()}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO break_glass_grants (user_id, person_id, unit_code, kind, reason, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, g.UserID, g.PersonID, g.UnitCode, g.Kind, g.Reason, g.CreatedAt, g.ExpiresAt).Scan(&g.ID); err != nil {
			return fmt.Errorf("break glass: %w", err)
		}
		return s.record(ctx, tx, who, audit.ActionBreakGlass, "person", g.PersonID, g.UnitCode,
			fmt.Sprintf("跨辖区查看申请（%s）：%s：%s", personal.MaskID(id), kind, reason)) // the role and unit are the entry's own columns
	})
	return g, false, err
}

// UseBreakGlass reads the person of one of who's grants, once: a grant
// already used, expired or someone else's is not found. The read is
// audited as a view under the person's unit, with the reason.
func (s *Service) UseBreakGlass(ctx context.Context, who audit.Actor, grantID int64) (BreakGlassRead, error) {
	var out BreakGlassRead
	now := s.now().UnixMilli()
	err := s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE break_glass_grants SET used_at = $1
			WHERE id = $2 AND user_id = $3 AND used_at = 0 AND expires_at > $1`, now, grantID, who.UserID)
		if err != nil {
			return fmt.Errorf("use grant: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 || who.UserID == 0 {
			return fmt.Errorf("grant %d: %w", grantID, errs.ErrNotFound)
		}
		g := &out.Grant
		if err := tx.QueryRowContext(ctx, `SELECT id, user_id, person_id, unit_code, kind, reason, created_at, expires_at
			FROM break_glass_grants WHERE id = $1`, grantID).Scan(&g.ID, &g.UserID, &g.PersonID, &g.UnitCode, &g.Kind, &g.Reason,
			&g.CreatedAt, &g.ExpiresAt); err != nil {
			return fmt.Errorf("use grant: %w", err)
		}
		// The grant is the credential: the whole country, narrowed to
		// where the person lives now.
		var unit string
		if err := tx.QueryRowContext(ctx, "SELECT unit_code FROM people WHERE id = $1", g.PersonID).Scan(&unit); err != nil {
			return fmt.Errorf("use grant: %w", err)
		}
		scope, err := jurisdiction.System("break-the-glass read").Narrow(unit)
		if err != nil {
			return err
		}
		if out.Person, err = s.person(ctx, tx, scope, g.PersonID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionView, "person", g.PersonID, out.Person.UnitCode,
			fmt.Sprintf("跨辖区查看 %s %s（授权 #%d，%s：%s）", out.Person.Name, personal.MaskID(out.Person.IDNumber), g.ID, g.Kind, g.Reason))
	})
	if err != nil {
		return out, err
	}
	if out.Person.HouseholdID != 0 {
		scope, err := jurisdiction.System("break-the-glass read").Narrow(out.Person.UnitCode)
		if err != nil {
			return out, err
		}
		if h, err := s.Household(ctx, scope, out.Person.HouseholdID); err == nil {
			out.Household = &h
		}
	}
	return out, nil
}
