package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"fangkong/internal/audit"
	"fangkong/internal/db"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
	"fangkong/internal/sheet"
)

// UserImportHeaders are the columns of a bulk account file (批量开通账号):
// one row per account. 单位 takes a name ("南涝村", "甘亭街道") or a code; 角色
// a role's Chinese name (网格员, 镇街干部, 卡口…) or its code; 用户名 may be
// left empty (the phone number is used).
var UserImportHeaders = []string{"序号", "姓名", "手机号", "角色", "单位", "所属单位", "用户名"}

// The names the columns go by in the sheets townships pass on: 所属村（社区）
// for 单位, 手机号码 for 手机号, 名字 for 姓名.
var (
	userNameAliases  = []string{"名字", "人员姓名"}
	userPhoneAliases = []string{"手机号码", "手机", "联系电话", "电话", "联系方式"}
	userRoleAliases  = []string{"岗位", "职务", "账号角色"}
	userUnitAliases  = []string{"所属单位", "所在单位", "村（社区）", "所属村（社区）", "所在村（社区）", "所属村", "所在村",
		"所属镇街", "所属镇（街道）", "所属乡镇", "镇街", "村（居）委会", "所属村（居）委会"}
)

// maxUserImportRows bounds one file (a county has a few thousand accounts).
const maxUserImportRows = 5000

// ImportedUser is an account made by an import with its first-login
// password, shown once.
type ImportedUser struct {
	Row      int
	User     User
	RoleName string
	UnitName string
	Password string
}

// UserImport is the outcome of a bulk account file.
type UserImport struct {
	Rows    int
	Errors  []UserImportError
	Created []ImportedUser
	Applied bool
}

// UserImportError is one bad row.
type UserImportError struct {
	Row    int
	Column string
	Reason string
}

// roleAliases are the names people write in a 角色 column.
var roleAliases = map[string]Role{
	"网格员": RoleVillage, "村干部": RoleVillage, "村社干部": RoleVillage, "社区干部": RoleVillage, "村（社区）干部": RoleVillage,
	"镇干部": RoleTownship, "街道干部": RoleTownship, "镇街": RoleTownship, "乡镇干部": RoleTownship,
	"指挥部": RoleCommand, "县指挥部": RoleCommand, "卡口": RoleCheckpoint, "哨点": RoleSentinel, "诊所": RoleSentinel, "药店": RoleSentinel,
	"核酸": RoleSampling, "采样": RoleSampling, "核酸采样": RoleSampling, "隔离点": RoleSite, "流调": RoleTracing,
	"督查": RoleInspector, "管理员": RoleAdmin, "系统管理员": RoleAdmin,
}

// ParseRole reads a role as people write it.
func ParseRole(s string) (Role, bool) {
	s = strings.Join(strings.Fields(s), "")
	for _, ri := range Roles {
		if s == string(ri.Role) || s == ri.Name {
			return ri.Role, true
		}
	}
	r, ok := roleAliases[s]
	return r, ok
}

// ImportUsers makes one account per row of a file (XLSX or CSV, title rows
// and footers allowed), each with a generated first-login password that
// must be changed at first login. Every bad row is reported with its row
// number; goodRows applies the good rows anyway, else nothing is made when
// any row is bad. Passwords are returned once and kept nowhere but hashed.
func (s *Service) ImportUsers(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, r io.ReaderAt, size int64,
	goodRows bool) (UserImport, error) {
	var rep UserImport
	rd, err := sheet.OpenTable(r, size, sheet.Options{Known: userKnownHeaders()})
	if errors.Is(err, sheet.ErrEmpty) {
		return rep, errs.Invalidf("文件", "文件是空的")
	}
	if err != nil {
		return rep, errs.Invalidf("文件", "无法读取文件：%v", err)
	}
	defer rd.Close()
	cols := rd.Columns()
	iName, iPhone, iRole := cols.Index("姓名", userNameAliases...), cols.Index("手机号", userPhoneAliases...), cols.Index("角色", userRoleAliases...)
	iUnit, iUser := cols.Index("单位", userUnitAliases...), cols.Index("用户名", "账号", "登录名")
	var missing []string
	for _, c := range []struct {
		name string
		i    int
	}{{"姓名", iName}, {"角色", iRole}, {"单位", iUnit}} {
		if c.i < 0 {
			missing = append(missing, "“"+c.name+"”")
		}
	}
	if len(missing) > 0 {
		return rep, errs.Invalidf("文件", "缺少列：%s（须有“姓名”“角色”“单位”，可有“手机号”“用户名”；单位列可写作“所属村（社区）”“所属镇街”等）",
			strings.Join(missing, ""))
	}
	cell := func(row []string, i int) string {
		if i >= 0 && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	fail := func(row int, col, reason string) {
		rep.Errors = append(rep.Errors, UserImportError{Row: row, Column: col, Reason: reason})
	}
	type pending struct {
		row      int
		p        preparedUser
		password string
	}
	var good []pending
	seen := map[string]int{}
	for rd.Next() {
		rep.Rows++
		if rep.Rows > maxUserImportRows {
			return rep, errs.Invalidf("文件", "一次最多导入%d个账号", maxUserImportRows)
		}
		row, n := rd.Row(), rd.RowNumber()
		role, ok := ParseRole(cell(row, iRole))
		if !ok {
			fail(n, "角色", fmt.Sprintf("未知角色“%s”", sheet.Clip(cell(row, iRole), 20)))
			continue
		}
		unit, err := s.units.Find(ctx, scope, "单位", cell(row, iUnit))
		if err != nil {
			var iv *errs.Invalid
			if errors.As(err, &iv) {
				fail(n, "单位", iv.Message)
				continue
			}
			return rep, err
		}
		phone, damaged := sheet.PhoneCell(cell(row, iPhone))
		if damaged {
			fail(n, "手机号", "手机号被表格软件改写（科学计数丢失位数），请把该列设为文本后重填")
			continue
		}
		if phone != "" {
			norm, err := personal.NormalizePhone(phone)
			if err != nil {
				fail(n, "手机号", fmt.Sprintf("手机号“%s”不是11位手机号码", sheet.Clip(phone, 20)))
				continue
			}
			phone = norm
		}
		username := cell(row, iUser)
		if username == "" {
			username = phone
		}
		if username == "" {
			fail(n, "用户名", "请填写用户名或手机号（用作登录名）")
			continue
		}
		if first, dup := seen[username]; dup {
			fail(n, "用户名", fmt.Sprintf("与第%d行的用户名“%s”重复", first, username))
			continue
		}
		seen[username] = n
		pw := newPassword()
		p, err := s.prepareUser(ctx, scope, NewUser{Username: username, DisplayName: cell(row, iName), Role: role, UnitCode: unit.Code,
			Phone: phone, Password: pw, MustChange: true})
		if err != nil {
			var iv *errs.Invalid
			if errors.As(err, &iv) {
				fail(n, iv.Field, iv.Message)
				continue
			}
			return rep, err
		}
		good = append(good, pending{row: n, p: p, password: pw})
	}
	if err := rd.Err(); err != nil {
		return rep, errs.Invalidf("文件", "读取文件出错：%v", err)
	}
	// Usernames already taken are bad rows too, found before anything is
	// written.
	if len(good) > 0 {
		names := make([]any, len(good))
		for i, g := range good {
			names[i] = g.p.u.Username
		}
		taken := map[string]bool{}
		rows, err := s.db.R().QueryContext(ctx, "SELECT username FROM users WHERE username IN ("+db.In(len(names), 1)+")", names...)
		if err != nil {
			return rep, fmt.Errorf("import users: %w", err)
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return rep, err
			}
			taken[u] = true
		}
		rows.Close()
		kept := good[:0]
		for _, g := range good {
			if taken[g.p.u.Username] {
				fail(g.row, "用户名", "用户名已被使用："+g.p.u.Username)
				continue
			}
			kept = append(kept, g)
		}
		good = kept
	}
	if len(rep.Errors) > 0 && !goodRows || len(good) == 0 {
		return rep, nil
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range good {
			if err := s.insertUser(ctx, tx, who, &good[i].p); err != nil {
				if db.IsUniqueViolation(err) {
					return &errs.Conflict{Message: fmt.Sprintf("第%d行：用户名已被使用：%s（未开通任何账号，请重新导入）", good[i].row, good[i].p.u.Username)}
				}
				return err
			}
		}
		return audit.Record(ctx, tx, s.now(), who, audit.ActionImport, "user", "", scope.Code(),
			fmt.Sprintf("批量开通账号：%d行，开通%d个，错误%d行", rep.Rows, len(good), len(rep.Errors)))
	})
	if err != nil {
		return rep, err
	}
	for _, g := range good {
		rep.Created = append(rep.Created, ImportedUser{Row: g.row, User: g.p.u, RoleName: g.p.roleName, UnitName: g.p.unitName, Password: g.password})
	}
	rep.Applied = true
	return rep, nil
}

// passwordAlphabet leaves out look-alikes (0/O, 1/l/I) for passwords read
// off paper.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword is a first-login password: 10 characters with letters and
// digits (CheckPasswordRule).
func newPassword() string {
	for {
		b := make([]byte, 10)
		for i := range b {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
			if err != nil {
				panic(err)
			}
			b[i] = passwordAlphabet[n.Int64()]
		}
		if CheckPasswordRule(string(b)) == nil {
			return string(b)
		}
	}
}

// userKnownHeaders are the names that mark the header row: the template's
// and their aliases.
func userKnownHeaders() []string {
	out := append([]string(nil), UserImportHeaders...)
	for _, a := range [][]string{userNameAliases, userPhoneAliases, userRoleAliases, userUnitAliases, {"账号", "登录名"}} {
		out = append(out, a...)
	}
	return out
}
