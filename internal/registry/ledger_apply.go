package registry

import (
	"fmt"
	"strings"

	"fangkong/internal/db"
	"fangkong/internal/jurisdiction"
)

type existingPerson struct {
	id, household, merged int64
	active                bool
	unit                  string
}

// outsideScope marks a household number that belongs to another jurisdiction.
const outsideScope = -1

// apply checks a batch of parsed rows against the database and writes the
// good ones: first every check, then the writes, so a bad row writes nothing.
func (im *importer) apply(batch []ledgerRow) error {
	if len(batch) == 0 {
		return nil
	}
	existing, err := im.lookupPeople(batch)
	if err != nil {
		return err
	}
	if err := im.lookupHouseholds(batch); err != nil {
		return err
	}
	// Checks.
	good := batch[:0:0]
	willCreate := map[string]bool{}
	for _, lr := range batch {
		if lr.hhNo != "" {
			h, ok := im.hh[lr.hhNo]
			if !ok && !willCreate[lr.hhNo] {
				if lr.address == "" {
					im.rep.fail(lr.row, ColAddress, "新户须填写住址")
					continue
				}
				willCreate[lr.hhNo] = true
			}
			if ok {
				if h.id == outsideScope {
					im.rep.fail(lr.row, ColHouseholdNo, "户编号 "+lr.hhNo+" 已被其他辖区使用")
					continue
				}
				if h.unit != lr.unit {
					im.rep.fail(lr.row, ColHouseholdNo, fmt.Sprintf("户编号 %s 属于 %s，与本行所属 %s 不一致", lr.hhNo, h.unit, lr.unit))
					continue
				}
			}
		}
		if ex, ok := existing[lr.p.IDNumber]; ok && lr.p.IDNumber != "" {
			if !im.scope.Contains(ex.unit) {
				if ok, after := im.s.budget.take(im.who.UserID, ex.id, im.s.now()); !ok {
					return &TooManyElsewhere{After: after}
				}
				im.elsewhere = append(im.elsewhere, ex)
				im.rep.fail(lr.row, ColIDNumber, ElsewhereMessage)
				continue
			}
			if ex.merged != 0 {
				im.rep.fail(lr.row, ColIDNumber, fmt.Sprintf("该身份证号的记录已合并到人员 %d", ex.merged))
				continue
			}
			if !ex.active {
				im.rep.fail(lr.row, ColIDNumber, "该人员已注销（迁出/死亡），如确已返回请先在人员页面撤销注销")
				continue
			}
		}
		good = append(good, lr)
	}
	// Writes: groups and grids, then households, then people.
	var newHH []string
	for _, lr := range good {
		if _, ok := im.units[lr.unit]; !ok {
			if err := im.createGroup(lr); err != nil {
				return err
			}
		}
		if lr.hhNo != "" {
			if _, ok := im.hh[lr.hhNo]; !ok {
				no := strings.Clone(lr.hhNo)                     // kept for the whole import, not its row
				im.hh[no] = hhInfo{unit: strings.Clone(lr.unit)} // id assigned below
				newHH = append(newHH, no)
			}
		}
	}
	ids, err := im.s.db.AllocIDs(im.ctx, im.tx, "households", len(newHH))
	if err != nil {
		return err
	}
	for i, no := range newHH {
		h := im.hh[no]
		h.id = ids[i]
		im.hh[no] = h
	}
	created := map[string]bool{}
	for _, lr := range good {
		if lr.hhNo == "" || created[lr.hhNo] {
			continue
		}
		h := im.hh[lr.hhNo]
		if !containsStr(newHH, lr.hhNo) {
			continue
		}
		created[lr.hhNo] = true
		grid, err := im.gridID(lr)
		if err != nil {
			return err
		}
		if err := im.hhIns.Add(h.id, lr.hhNo, lr.unit, grid, lr.address, lr.hhPhone, lr.cadre, lr.cadreTel, 1, im.now, im.now); err != nil {
			return err
		}
		im.rep.HouseholdsCreated++
	}
	if err := im.hhIns.Flush(); err != nil {
		return err
	}
	for _, lr := range good {
		if lr.p.Name == "" {
			continue
		}
		var hh any
		if lr.hhNo != "" {
			hh = im.hh[lr.hhNo].id
		}
		p := lr.p
		if ex, ok := existing[p.IDNumber]; ok && p.IDNumber != "" {
			if err := im.updatePerson(ex.id, p, hh); err != nil {
				return err
			}
			continue
		}
		if p.IDNumber == "" && hh != nil && !created[lr.hhNo] {
			// No ID: the same name and birth date in the same household is the same person.
			var id int64
			err := im.tx.QueryRowContext(im.ctx, "SELECT id FROM people WHERE household_id = $1 AND name = $2 AND birth_date = $3 AND active = 1",
				hh, p.Name, p.BirthDate).Scan(&id)
			if err == nil {
				if err := im.updatePerson(id, p, hh); err != nil {
					return err
				}
				continue
			}
		}
		if err := im.pIns.Add(nullString(p.IDNumber), p.Name, p.Sex, p.BirthDate, p.Phone, hh, p.Relation, p.UnitCode,
			p.Residence, int64(p.Groups), p.Note, 1, im.now, im.now); err != nil {
			return err
		}
		im.rep.PeopleCreated++
	}
	return im.pIns.Flush()
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (im *importer) updatePerson(id int64, p Person, hh any) error {
	_, err := im.tx.ExecContext(im.ctx, `UPDATE people SET name = $1, sex = $2, birth_date = $3, phone = $4, household_id = $5, relation = $6,
		unit_code = $7, residence = $8, groups = $9, note = $10, version = version + 1, updated_at = $11 WHERE id = $12`,
		p.Name, p.Sex, p.BirthDate, p.Phone, hh, p.Relation, p.UnitCode, p.Residence, int64(p.Groups), p.Note, im.now, id)
	if err != nil {
		return fmt.Errorf("update person %d: %w", id, err)
	}
	im.rep.PeopleUpdated++
	return nil
}

func (im *importer) createGroup(lr ledgerRow) error {
	village := jurisdiction.VillageOf(lr.unit)
	kind := "村民小组"
	if strings.Contains(lr.groupName, "小区") || strings.HasSuffix(lr.groupName, "院") {
		kind = "小区"
	}
	_, err := im.tx.ExecContext(im.ctx, "INSERT INTO units (code, parent_code, level, name, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
		lr.unit, village, jurisdiction.LevelGroup, lr.groupName, kind, im.now)
	if err != nil {
		return fmt.Errorf("create group %s: %w", lr.unit, err)
	}
	im.units[lr.unit] = jurisdiction.LevelGroup
	im.rep.GroupsCreated++
	return nil
}

// gridID finds or creates the named grid of the row's village.
func (im *importer) gridID(lr ledgerRow) (any, error) {
	if lr.grid == "" {
		return nil, nil
	}
	village := jurisdiction.VillageOf(lr.unit)
	key := village + "/" + lr.grid
	if id, ok := im.grids[key]; ok {
		return id, nil
	}
	var id int64
	err := im.tx.QueryRowContext(im.ctx, "SELECT id FROM grids WHERE village_code = $1 AND name = $2", village, lr.grid).Scan(&id)
	if err != nil {
		err = im.tx.QueryRowContext(im.ctx, "INSERT INTO grids (village_code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
			village, lr.grid, im.now).Scan(&id)
	}
	if err != nil {
		return nil, fmt.Errorf("grid %s: %w", key, err)
	}
	im.grids[key] = id
	return id, nil
}

// placeholders returns "$start, $start+1, …" for n values.
func (im *importer) lookupPeople(batch []ledgerRow) (map[string]existingPerson, error) {
	var args []any
	for _, lr := range batch {
		if lr.p.IDNumber != "" {
			args = append(args, lr.p.IDNumber)
		}
	}
	out := map[string]existingPerson{}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := im.tx.QueryContext(im.ctx, "SELECT id, id_number, unit_code, COALESCE(household_id, 0), COALESCE(merged_into, 0), active FROM people WHERE id_number IN ("+
		db.In(len(args), 1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("look up people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e existingPerson
		var idn string
		var active int
		if err := rows.Scan(&e.id, &idn, &e.unit, &e.household, &e.merged, &active); err != nil {
			return nil, err
		}
		e.active = active == 1
		out[idn] = e
	}
	return out, rows.Err()
}

func (im *importer) lookupHouseholds(batch []ledgerRow) error {
	var args []any
	seen := map[string]bool{}
	for _, lr := range batch {
		if lr.hhNo != "" && !seen[lr.hhNo] {
			if _, ok := im.hh[lr.hhNo]; !ok {
				args = append(args, lr.hhNo)
				seen[lr.hhNo] = true
			}
		}
	}
	if len(args) == 0 {
		return nil
	}
	rows, err := im.tx.QueryContext(im.ctx, "SELECT id, no, unit_code FROM households WHERE no IN ("+db.In(len(args), 1)+")", args...)
	if err != nil {
		return fmt.Errorf("look up households: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h hhInfo
		var no string
		if err := rows.Scan(&h.id, &no, &h.unit); err != nil {
			return err
		}
		if !im.scope.Contains(h.unit) {
			h.id = outsideScope
		}
		im.hh[no] = h
	}
	return rows.Err()
}
