package returnee

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Self-report statuses (自主报备).
const (
	ReportPending   = "待确认"
	ReportConfirmed = "已确认"
	ReportRejected  = "已驳回"
)

// Limits on the public self-report page.
const (
	// SelfReportsPerIP is how many reports one address may submit per hour.
	SelfReportsPerIP = 5
	// SelfReportsPerVillage caps a village's reports per hour (a poster
	// photographed and abused).
	SelfReportsPerVillage = 300
)

// Poster is a village's self-report poster: its unguessable token is the
// only key to the public page.
type Poster struct {
	Village jurisdiction.Unit
	Token   string
}

// SelfReport is what a returnee submits on the public page.
type SelfReport struct {
	ID          int64
	VillageCode string
	Name        string
	IDNumber    string
	Phone       string
	Address     string // where they stay in the village
	// OriginText is the place as the returnee typed it (河南省郑州市金水区);
	// OriginCode the code it resolved to, or the candidate they picked.
	OriginText    string
	OriginCode    string
	OriginDetail  string
	DepartedOn    string
	ArrivedOn     string
	Transport     string
	TransportNo   string
	TestSampledAt string
	Symptoms      string
	Companions    string
	IP            string
	Status        string
	ReturneeID    int64
	HandledBy     string
	HandledAt     int64
	Version       int64
	CreatedAt     int64
}

func newToken() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Poster returns the poster of a village inside the scope, creating its
// token on first use.
func (s *Service) Poster(ctx context.Context, scope jurisdiction.Scope, village string) (Poster, error) {
	u, err := s.units.Get(ctx, scope, village)
	if err != nil {
		return Poster{}, err
	}
	if u.Level != jurisdiction.LevelVillage {
		return Poster{}, fmt.Errorf("poster of %s: %w", village, errs.ErrNotFound)
	}
	var tok string
	err = s.db.R().QueryRowContext(ctx, "SELECT token FROM report_posters WHERE village_code = $1", village).Scan(&tok)
	if errors.Is(err, sql.ErrNoRows) {
		tok = newToken()
		_, err = s.db.W().ExecContext(ctx, `INSERT INTO report_posters (village_code, token, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (village_code) DO NOTHING`, village, tok, s.now().UnixMilli())
		if err == nil {
			err = s.db.W().QueryRowContext(ctx, "SELECT token FROM report_posters WHERE village_code = $1", village).Scan(&tok)
		}
	}
	if err != nil {
		return Poster{}, fmt.Errorf("poster of %s: %w", village, err)
	}
	return Poster{Village: u, Token: tok}, nil
}

// RotatePoster replaces a village's token (old posters stop working).
func (s *Service) RotatePoster(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, village string) (Poster, error) {
	p, err := s.Poster(ctx, scope, village)
	if err != nil {
		return Poster{}, err
	}
	p.Token = newToken()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE report_posters SET token = $1, created_at = $2, version = version + 1 WHERE village_code = $3",
			p.Token, s.now().UnixMilli(), village); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "unit", village, village, "更换自主报备二维码")
	})
	if err != nil {
		return Poster{}, fmt.Errorf("rotate poster %s: %w", village, err)
	}
	return p, nil
}

// PosterByToken finds the village of a poster token (public page). An
// unknown token is not found.
func (s *Service) PosterByToken(ctx context.Context, token string) (Poster, error) {
	if len(token) < 16 || len(token) > 64 {
		return Poster{}, errs.ErrNotFound
	}
	var code string
	err := s.db.R().QueryRowContext(ctx, "SELECT village_code FROM report_posters WHERE token = $1", token).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return Poster{}, errs.ErrNotFound
	}
	if err != nil {
		return Poster{}, err
	}
	// A citizen scanning the poster has no jurisdiction: the token is the
	// credential, and it names its village.
	u, err := s.units.Get(ctx, jurisdiction.System("returnee self-report poster"), code)
	if err != nil {
		return Poster{}, err
	}
	return Poster{Village: u, Token: token}, nil
}

// SubmitSelfReport stores a returnee's own report from the public page in
// the village's queue. It answers errs.ErrTooMany beyond SelfReportsPerIP an
// hour from one address or SelfReportsPerVillage an hour for one village.
// Nothing of the registry is read back to the submitter.
func (s *Service) SubmitSelfReport(ctx context.Context, token string, r SelfReport) (int64, error) {
	p, err := s.PosterByToken(ctx, token)
	if err != nil {
		return 0, err
	}
	a := Arrival{Name: r.Name, IDNumber: r.IDNumber, Phone: r.Phone, VillageCode: p.Village.Code, OriginCode: r.OriginCode,
		OriginDetail: r.OriginDetail, OriginText: r.OriginText, DepartedOn: r.DepartedOn, ArrivedOn: r.ArrivedOn, Transport: r.Transport,
		TransportNo: r.TransportNo, TestSampledAt: r.TestSampledAt, Symptoms: r.Symptoms, Companions: r.Companions,
		Source: SourceSelfReport}
	if err := validate(&a, s.today()); err != nil {
		return 0, err
	}
	if a.IDNumber == "" {
		return 0, errs.Invalidf("身份证号", "请填写身份证号，便于村里核实")
	}
	s.resolveOrigin(&a) // the place typed lands with its code when it is clear
	if r.Address, err = personal.Name(r.Address); err != nil {
		return 0, errs.Invalidf("居住地址", "%s", err.Error())
	}
	if r.Address == "" || tooLong(r.Address, 100) {
		return 0, errs.Invalidf("居住地址", "请填写在本村的居住地址（100字以内）")
	}
	hour := s.now().Add(-time.Hour).UnixMilli()
	var byIP, byVillage int
	if err := s.db.R().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM self_reports WHERE ip = $1 AND created_at > $2),
		(SELECT COUNT(*) FROM self_reports WHERE village_code = $3 AND created_at > $2)`, r.IP, hour, p.Village.Code).Scan(&byIP, &byVillage); err != nil {
		return 0, fmt.Errorf("self-report limits: %w", err)
	}
	if byIP >= SelfReportsPerIP || byVillage >= SelfReportsPerVillage {
		return 0, fmt.Errorf("提交过于频繁，请稍后再试或直接联系村委会: %w", errs.ErrTooMany)
	}
	var id int64
	// A pending place keeps only what was typed: the village settles it.
	code := a.OriginCode
	if a.PlacePending() {
		code = ""
	}
	err = s.db.W().QueryRowContext(ctx, `INSERT INTO self_reports (village_code, name, id_number, phone, address, origin_code,
		origin_detail, departed_on, arrived_on, transport, transport_no, test_sampled_at, symptoms, companions, ip, status, version,
		created_at, origin_text)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $18) RETURNING id`,
		p.Village.Code, a.Name, a.IDNumber, a.Phone, r.Address, code, a.OriginDetail, a.DepartedOn, a.ArrivedOn,
		a.Transport, a.TransportNo, a.TestSampledAt, a.Symptoms, a.Companions, r.IP, ReportPending, s.now().UnixMilli(),
		a.OriginText).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("submit self-report: %w", err)
	}
	return id, nil
}

const reportColumns = `id, village_code, name, id_number, phone, address, origin_code, origin_detail, departed_on, arrived_on,
	transport, transport_no, test_sampled_at, symptoms, companions, ip, status, COALESCE(returnee_id, 0), handled_by, handled_at, version,
	created_at, origin_text`

func scanReport(row interface{ Scan(...any) error }) (SelfReport, error) {
	var r SelfReport
	err := row.Scan(&r.ID, &r.VillageCode, &r.Name, &r.IDNumber, &r.Phone, &r.Address, &r.OriginCode, &r.OriginDetail,
		&r.DepartedOn, &r.ArrivedOn, &r.Transport, &r.TransportNo, &r.TestSampledAt, &r.Symptoms, &r.Companions, &r.IP,
		&r.Status, &r.ReturneeID, &r.HandledBy, &r.HandledAt, &r.Version, &r.CreatedAt, &r.OriginText)
	return r, err
}

// SelfReports lists the self-reports of villages inside the scope
// (status "" = pending first, then the rest), ID numbers and phones masked.
func (s *Service) SelfReports(ctx context.Context, scope jurisdiction.Scope, unit, status string, limit int) ([]SelfReport, error) {
	scope, err := scope.NarrowOpt(unit)
	if err != nil {
		return nil, fmt.Errorf("self-reports of %s: %w", unit, err)
	}
	lo, hi := scope.Args()
	args := []any{lo, hi}
	where := scope.Where("village_code", 1)
	if status != "" {
		args = append(args, status)
		where += " AND status = $3"
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	rows, err := s.db.R().QueryContext(ctx, "SELECT "+reportColumns+" FROM self_reports WHERE "+where+
		fmt.Sprintf(" ORDER BY CASE WHEN status = '待确认' THEN 0 ELSE 1 END, id DESC LIMIT %d", limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list self-reports: %w", err)
	}
	defer rows.Close()
	var out []SelfReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		r.IDNumber, r.Phone, r.IP = personal.MaskID(r.IDNumber), personal.MaskPhone(r.Phone), ""
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) selfReport(ctx context.Context, scope jurisdiction.Scope, id int64) (SelfReport, error) {
	lo, hi := scope.Args()
	r, err := scanReport(s.db.R().QueryRowContext(ctx, "SELECT "+reportColumns+
		" FROM self_reports WHERE id = $1 AND "+scope.Where("village_code", 2), id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return SelfReport{}, fmt.Errorf("self-report %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return SelfReport{}, fmt.Errorf("self-report %d: %w", id, err)
	}
	return r, nil
}

// ConfirmSelfReport turns a pending self-report into an arrival (source
// 自主报备), merging with an arrival already known. householdID (optional)
// places the returnee in a household of the village.
func (s *Service) ConfirmSelfReport(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id, householdID int64) (Arrival, bool, error) {
	return s.ConfirmSelfReportIn(ctx, actor, scope, id, householdID, "")
}

// ConfirmSelfReportIn is ConfirmSelfReport with the household named by its
// 户编号 (householdNo) when householdID is 0.
func (s *Service) ConfirmSelfReportIn(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id, householdID int64, householdNo string) (Arrival, bool, error) {
	r, err := s.selfReport(ctx, scope, id)
	if err != nil {
		return Arrival{}, false, err
	}
	if r.Status != ReportPending {
		return Arrival{}, false, &errs.Conflict{Message: "该报备已处理（" + r.Status + "）"}
	}
	if householdID == 0 && strings.TrimSpace(householdNo) != "" {
		h, err := s.reg.HouseholdByNo(ctx, scope, householdNo)
		if errors.Is(err, errs.ErrNotFound) {
			return Arrival{}, false, errs.Invalidf("户编号", "户不存在或不在您的辖区内")
		}
		if err != nil {
			return Arrival{}, false, err
		}
		householdID = h.ID
	}
	a := Arrival{Name: r.Name, IDNumber: r.IDNumber, Phone: r.Phone, VillageCode: r.VillageCode, HouseholdID: householdID,
		OriginCode: r.OriginCode, OriginDetail: r.OriginDetail, OriginText: r.OriginText, DepartedOn: r.DepartedOn, ArrivedOn: r.ArrivedOn,
		Transport: r.Transport, TransportNo: r.TransportNo, TestSampledAt: r.TestSampledAt, Symptoms: r.Symptoms,
		Companions: r.Companions, Source: SourceSelfReport, Status: StatusVerified, SourceRef: fmt.Sprintf("self-report:%d", r.ID),
		Note: "自报居住地址：" + r.Address}
	var out Arrival
	var merged bool
	// The arrival (with its person and measure) and the report's closing
	// commit together.
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if out, merged, err = s.Record(ctx, actor, scope, a); err != nil {
			return err
		}
		return s.handleReport(ctx, actor, r, ReportConfirmed, out.ID)
	})
	if err != nil {
		return Arrival{}, false, err
	}
	return out, merged, nil
}

// RejectSelfReport marks a self-report as not to be recorded (spam, wrong
// village, duplicate already handled).
func (s *Service) RejectSelfReport(ctx context.Context, actor audit.Actor, scope jurisdiction.Scope, id int64) error {
	r, err := s.selfReport(ctx, scope, id)
	if err != nil {
		return err
	}
	if r.Status != ReportPending {
		return &errs.Conflict{Message: "该报备已处理（" + r.Status + "）"}
	}
	return s.handleReport(ctx, actor, r, ReportRejected, 0)
}

// handleReport closes a report; the submitter's address is kept only while
// the report waits (it serves the rate limit, nothing else).
func (s *Service) handleReport(ctx context.Context, actor audit.Actor, r SelfReport, status string, returneeID int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE self_reports SET status = $1, returnee_id = $2, handled_by = $3, handled_at = $4, ip = '',
			version = version + 1 WHERE id = $5 AND version = $6`, status, nullID(returneeID), actor.Username, s.now().UnixMilli(), r.ID, r.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrConflict
		}
		return audit.Record(ctx, tx, s.now(), actor, audit.ActionUpdate, "self_report", fmt.Sprint(r.ID), r.VillageCode,
			fmt.Sprintf("自主报备 %s %s：%s", r.Name, personal.MaskID(r.IDNumber), status))
	})
}

// PendingSelfReports counts the reports waiting under a unit inside the scope.
func (s *Service) PendingSelfReports(ctx context.Context, scope jurisdiction.Scope, code string) (int, error) {
	unitScope, err := scope.Narrow(code)
	if err != nil {
		return 0, fmt.Errorf("self-reports of %s: %w", code, err)
	}
	lo, hi := unitScope.Args()
	var n int
	err = s.db.R().QueryRowContext(ctx, "SELECT COUNT(*) FROM self_reports WHERE "+unitScope.Where("village_code", 1)+" AND status = $3",
		lo, hi, ReportPending).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count self-reports: %w", err)
	}
	return n, nil
}
