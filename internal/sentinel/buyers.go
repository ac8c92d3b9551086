package sentinel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// The four drug classes whose buyers are registered (四类药品).
var DrugClasses = []string{"退烧", "止咳", "抗病毒", "抗菌"}

// drugAliases maps what pharmacy systems write to a class.
var drugAliases = map[string]string{"退热": "退烧", "解热镇痛": "退烧", "镇咳": "止咳", "止咳化痰": "止咳", "抗生素": "抗菌",
	"抗感染": "抗菌"}

// The states of a buyer's verification task and the village's answers.
const (
	BuyerOpen = "待核查"
)

// BuyerAnswers are what the village answers (核查结果).
var BuyerAnswers = []string{"已检测", "已督促检测", "联系不上", "不在本村"}

// Buyer is one registered buyer and the verification task of their
// village: test within Clocks.BuyerTestHours of the purchase.
type Buyer struct {
	ID           int64
	SentinelID   int64
	SentinelName string
	VillageCode  string
	VillageName  string
	Name         string
	IDNumber     string
	Phone        string
	DrugClass    string
	DrugName     string
	BoughtAt     int64
	TestDueAt    int64
	Status       string
	AnsweredAt   int64
	AnsweredBy   string
	AnswerNote   string
}

// Overdue says whether the task is unanswered past the test deadline.
func (b Buyer) Overdue(now time.Time) bool {
	return b.Status == BuyerOpen && now.UnixMilli() > b.TestDueAt
}

// MaskedID and MaskedPhone are the values shown in lists.
func (b Buyer) MaskedID() string    { return personal.MaskID(b.IDNumber) }
func (b Buyer) MaskedPhone() string { return personal.MaskPhone(b.Phone) }

// BuyerInput is one purchase as typed or imported.
type BuyerInput struct {
	Name        string
	IDNumber    string
	Phone       string
	DrugClass   string
	DrugName    string
	BoughtAt    int64  // unix ms; 0 = now
	VillageCode string // the buyer's village; "" = the pharmacy's own
}

// DrugClass normalises a class as written ("退热药" → 退烧); "" if unknown.
func DrugClass(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"类药品", "类药物", "药品", "药物", "类", "药"} {
		s = strings.TrimSuffix(s, suf)
	}
	if slices.Contains(DrugClasses, s) {
		return s
	}
	return drugAliases[s]
}

func (s *Service) validateBuyer(ctx context.Context, scope jurisdiction.Scope, mine Sentinel, in *BuyerInput) error {
	var err error
	if in.Name, err = personal.Name(in.Name); err != nil || in.Name == "" || len([]rune(in.Name)) > 30 {
		return errs.Invalidf("name", "请填写购药人姓名（30字以内）")
	}
	if strings.TrimSpace(in.IDNumber) != "" {
		if in.IDNumber, err = personal.NormalizeIDNumber(in.IDNumber); err != nil {
			return errs.Invalidf("id_number", "%s", err.Error())
		}
	}
	if strings.TrimSpace(in.Phone) != "" {
		if in.Phone, err = personal.NormalizePhone(in.Phone); err != nil {
			return errs.Invalidf("phone", "%s", err.Error())
		}
	}
	if in.IDNumber == "" && in.Phone == "" {
		return errs.Invalidf("phone", "请填写手机号或身份证号（至少一项），以便村里联系核查")
	}
	c := DrugClass(in.DrugClass)
	if c == "" {
		return errs.Invalidf("drug_class", "请选择药品类别：%s", strings.Join(DrugClasses, "、"))
	}
	in.DrugClass = c
	if in.DrugName, err = personal.Name(in.DrugName); err != nil || len([]rune(in.DrugName)) > 50 {
		return errs.Invalidf("drug_name", "药品名称请在50字以内")
	}
	now := s.now().UnixMilli()
	if in.BoughtAt == 0 {
		in.BoughtAt = now
	}
	if in.BoughtAt > now+5*60000 || in.BoughtAt < now-7*24*3600000 {
		return errs.Invalidf("bought_at", "购药时间应在最近7天内，且不晚于现在")
	}
	if in.VillageCode == "" {
		if jurisdiction.LevelOfCode(mine.UnitCode) != jurisdiction.LevelVillage {
			return errs.Invalidf("village_code", "请选择购药人所在的村(社区)")
		}
		in.VillageCode = mine.UnitCode
	}
	u, err := s.units.Get(ctx, scope, in.VillageCode)
	if errors.Is(err, errs.ErrNotFound) || err == nil && u.Level != jurisdiction.LevelVillage {
		return errs.Invalidf("village_code", "请选择您辖区内购药人所在的村(社区)")
	}
	return err
}

// RegisterBuyer registers a buyer at the pharmacy mine: a verification
// task for the buyer's village, due Clocks.BuyerTestHours after the
// purchase. The same buyer at the same minute is registered once
// (errs.ErrConflict).
func (s *Service) RegisterBuyer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, mine Sentinel, in BuyerInput) (Buyer, error) {
	x, err := s.sentinel(ctx, s.db.Reader(ctx), scope, mine.ID)
	if err != nil {
		return Buyer{}, err
	}
	if err := s.validateBuyer(ctx, scope, x, &in); err != nil {
		return Buyer{}, err
	}
	var b Buyer
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		b, err = s.insertBuyer(ctx, tx, who, x, in)
		return err
	})
	return b, err
}

func (s *Service) insertBuyer(ctx context.Context, tx *sql.Tx, who audit.Actor, x Sentinel, in BuyerInput) (Buyer, error) {
	clocks, err := s.ClocksOn(ctx, dayOf(in.BoughtAt))
	if err != nil {
		return Buyer{}, err
	}
	in.BoughtAt = in.BoughtAt / 60000 * 60000 // to the minute: a file and a form agree
	b := Buyer{SentinelID: x.ID, SentinelName: x.Name, VillageCode: in.VillageCode, Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone,
		DrugClass: in.DrugClass, DrugName: in.DrugName, BoughtAt: in.BoughtAt, Status: BuyerOpen,
		TestDueAt: in.BoughtAt + int64(clocks.BuyerTestHours)*3600000}
	err = tx.QueryRowContext(ctx, `INSERT INTO sentinel_buyers (sentinel_id, village_code, name, id_number, phone, drug_class, drug_name,
		bought_at, test_due_at, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		b.SentinelID, b.VillageCode, b.Name, b.IDNumber, b.Phone, b.DrugClass, b.DrugName, b.BoughtAt, b.TestDueAt, b.Status, s.now().UnixMilli()).Scan(&b.ID)
	if db.IsUniqueViolation(err) {
		return Buyer{}, &errs.Conflict{Message: "该购药记录已登记：" + b.Name}
	}
	if err != nil {
		return Buyer{}, fmt.Errorf("register buyer at %d: %w", x.ID, err)
	}
	return b, s.record(ctx, tx, who, audit.ActionCreate, "sentinel_buyer", b.ID, b.VillageCode,
		fmt.Sprintf("%s登记购药人员 %s（%s类）", x.Name, b.Name, b.DrugClass))
}

// BuyerFilter selects buyers.
type BuyerFilter struct {
	Unit       string
	SentinelID int64
	Status     string // "", 待核查, "overdue", "answered"
	Limit      int
}

func (s *Service) buyerWhere(scope jurisdiction.Scope, f BuyerFilter) (string, []any, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return "", nil, err
	}
	lo, hi := scope.Args()
	where, args := " WHERE "+scope.Where("b.village_code", 1), []any{lo, hi}
	if f.SentinelID != 0 {
		args = append(args, f.SentinelID)
		where += fmt.Sprintf(" AND b.sentinel_id = $%d", len(args))
	}
	switch f.Status {
	case "":
	case BuyerOpen:
		where += " AND b.status = '待核查'"
	case "overdue":
		args = append(args, s.now().UnixMilli())
		where += fmt.Sprintf(" AND b.status = '待核查' AND b.test_due_at < $%d", len(args))
	case "answered":
		where += " AND b.status <> '待核查'"
	default:
		return "", nil, errs.Invalidf("status", "未知状态“%s”", f.Status)
	}
	return where, args, nil
}

// Buyers lists the buyers whose village is inside the scope (or, with
// SentinelID, a pharmacy's own registrations), open first.
func (s *Service) Buyers(ctx context.Context, scope jurisdiction.Scope, f BuyerFilter) ([]Buyer, error) {
	where, args, err := s.buyerWhere(scope, f)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT b.id, b.sentinel_id, s.name, b.village_code, COALESCE(u.name, ''), b.name, b.id_number,
		b.phone, b.drug_class, b.drug_name, b.bought_at, b.test_due_at, b.status, b.answered_at, b.answered_by, b.answer_note
		FROM sentinel_buyers b JOIN sentinels s ON s.id = b.sentinel_id LEFT JOIN units u ON u.code = b.village_code`+where+
		fmt.Sprintf(" ORDER BY CASE WHEN b.status = '待核查' THEN 0 ELSE 1 END, b.test_due_at, b.id LIMIT %d", f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list buyers: %w", err)
	}
	defer rows.Close()
	var out []Buyer
	for rows.Next() {
		var b Buyer
		if err := rows.Scan(&b.ID, &b.SentinelID, &b.SentinelName, &b.VillageCode, &b.VillageName, &b.Name, &b.IDNumber, &b.Phone,
			&b.DrugClass, &b.DrugName, &b.BoughtAt, &b.TestDueAt, &b.Status, &b.AnsweredAt, &b.AnsweredBy, &b.AnswerNote); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// CountBuyers counts what Buyers would list.
func (s *Service) CountBuyers(ctx context.Context, scope jurisdiction.Scope, f BuyerFilter) (int, error) {
	where, args, err := s.buyerWhere(scope, f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.Reader(ctx).QueryRowContext(ctx, "SELECT COUNT(*) FROM sentinel_buyers b"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count buyers: %w", err)
	}
	return n, nil
}

// AnswerBuyer records the village's verification of a buyer inside scope.
func (s *Service) AnswerBuyer(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, id int64, answer, note string) error {
	if !slices.Contains(BuyerAnswers, answer) {
		return errs.Invalidf("answer", "请选择核查结果：%s", strings.Join(BuyerAnswers, "、"))
	}
	note, err := cleanNote(note)
	if err != nil {
		return err
	}
	lo, hi := scope.Args()
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var name, village, status string
		err := tx.QueryRowContext(ctx, "SELECT name, village_code, status FROM sentinel_buyers WHERE id = $1 AND "+scope.Where("village_code", 2),
			id, lo, hi).Scan(&name, &village, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("buyer %d: %w", id, errs.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("buyer %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sentinel_buyers SET status = $1, answer_note = $2, answered_at = $3, answered_by = $4,
			version = version + 1 WHERE id = $5`, answer, note, s.now().UnixMilli(), who.Username, id); err != nil {
			return fmt.Errorf("answer buyer %d: %w", id, err)
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "sentinel_buyer", id, village, "购药人员核查 "+name+"："+answer)
	})
}
