package tracing

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"sort"

	"fangkong/internal/audit"
	"fangkong/internal/errs"
	"fangkong/internal/jurisdiction"
	"fangkong/internal/personal"
)

// Cluster is a group of cases (聚集性疫情).
type Cluster struct {
	ID       int64
	UnitCode string
	Name     string
	Note     string
	Cases    int
}

// CreateCluster opens a cluster at a unit of the caller's scope.
func (s *Service) CreateCluster(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, unit, name, note string) (Cluster, error) {
	name, err := personal.Text(name)
	if err != nil || name == "" || len([]rune(name)) > 60 {
		return Cluster{}, errs.Invalidf("名称", "请填写名称（60字以内）")
	}
	note, _ = personal.Text(note)
	if !scope.Contains(unit) {
		return Cluster{}, errs.Invalidf("所在单位", "不在您的辖区内")
	}
	x := Cluster{UnitCode: unit, Name: name, Note: note}
	err = s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_clusters WHERE unit_code = $1 AND name = $2`, unit, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Invalidf("名称", "同名聚集性疫情已存在")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO tracing_clusters (unit_code, name, note, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			unit, name, note, s.now().UnixMilli()).Scan(&x.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionCreate, "tracing_cluster", x.ID, unit, "新建聚集性疫情 "+name)
	})
	return x, err
}

// Clusters lists the clusters whose unit is inside scope.
func (s *Service) Clusters(ctx context.Context, scope jurisdiction.Scope) ([]Cluster, error) {
	lo, hi := scope.Args()
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT k.id, k.unit_code, k.name, k.note,
		(SELECT COUNT(*) FROM tracing_cases c WHERE c.cluster_id = k.id AND `+scope.Where("c.unit_code", 1)+`)
		FROM tracing_clusters k WHERE `+scope.Where("k.unit_code", 1)+` ORDER BY k.id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("clusters: %w", err)
	}
	defer rows.Close()
	var out []Cluster
	for rows.Next() {
		var k Cluster
		if err := rows.Scan(&k.ID, &k.UnitCode, &k.Name, &k.Note, &k.Cases); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SetCluster puts a case into a cluster of the caller's scope (0 takes it out).
func (s *Service) SetCluster(ctx context.Context, who audit.Actor, scope jurisdiction.Scope, caseID, clusterID int64) error {
	c, err := s.caseIn(ctx, scope, caseID)
	if err != nil {
		return err
	}
	var arg any
	if clusterID != 0 {
		lo, hi := scope.Args()
		var n int
		if err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tracing_clusters WHERE id = $1 AND `+scope.Where("unit_code", 2),
			clusterID, lo, hi).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalidf("聚集性疫情", "不存在或不在您的辖区内")
		}
		arg = clusterID
	}
	return s.db.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tracing_cases SET cluster_id = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			arg, s.now().UnixMilli(), caseID); err != nil {
			return err
		}
		return s.record(ctx, tx, who, audit.ActionUpdate, "tracing_case", caseID, c.UnitCode, fmt.Sprintf("归入聚集性疫情 %d", clusterID))
	})
}

// Node is a case in the chain graph.
type Node struct {
	ID        int64
	Label     string // masked name and classification
	Day       string
	ClusterID int64
}

// Graph is the transmission chain: cases and "infected by" edges (a case
// that was a contact of another case).
type Graph struct {
	Nodes []Node
	Edges [][2]int64 // from case, to case
}

// GraphFilter narrows the chain graph.
type GraphFilter struct {
	ClusterID int64
	Unit      string // a township (or any unit) inside the scope
}

// Chain reads the chain graph of the cases inside scope.
func (s *Service) Chain(ctx context.Context, scope jurisdiction.Scope, f GraphFilter) (Graph, error) {
	scope, err := scope.NarrowOpt(f.Unit)
	if err != nil {
		return Graph{}, err
	}
	lo, hi := scope.Args()
	q := `SELECT c.id, p.name, c.classification, c.found_at, COALESCE(c.cluster_id, 0), COALESCE(t.case_id, 0)
		FROM tracing_cases c JOIN people p ON p.id = c.person_id
		LEFT JOIN tracing_contacts t ON t.id = c.from_contact_id
		WHERE ` + scope.Where("c.unit_code", 1)
	args := []any{lo, hi}
	if f.ClusterID != 0 {
		q += " AND c.cluster_id = $3"
		args = append(args, f.ClusterID)
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q+" ORDER BY c.found_at, c.id", args...)
	if err != nil {
		return Graph{}, fmt.Errorf("chain: %w", err)
	}
	defer rows.Close()
	var g Graph
	var edges [][2]int64
	for rows.Next() {
		var n Node
		var name, class string
		var found, from int64
		if err := rows.Scan(&n.ID, &name, &class, &found, &n.ClusterID, &from); err != nil {
			return Graph{}, err
		}
		n.Day = dayOf(found)
		n.Label = maskName(name) + " " + class
		g.Nodes = append(g.Nodes, n)
		if from != 0 {
			edges = append(edges, [2]int64{from, n.ID})
		}
	}
	if err := rows.Err(); err != nil {
		return Graph{}, err
	}
	in := map[int64]bool{}
	for _, n := range g.Nodes {
		in[n.ID] = true
	}
	for _, e := range edges {
		if in[e[0]] {
			g.Edges = append(g.Edges, e)
		}
	}
	return g, nil
}

// maskName keeps the surname: 王*.
func maskName(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return s
	}
	return string(r[0]) + "*"
}

// SVG layout constants.
const (
	colW, rowH, perCol, top = 150, 22, 100, 30
)

// SVG draws the graph hierarchically by date: one band of columns per day
// (at most perCol cases a column), each case a link to its page, an arrow
// from the case that infected it. Built with a byte buffer: 10,000 nodes
// are drawn in milliseconds.
func (g Graph) SVG(link func(id int64) string) []byte {
	byDay := map[string][]Node{}
	var days []string
	for _, n := range g.Nodes {
		if _, ok := byDay[n.Day]; !ok {
			days = append(days, n.Day)
		}
		byDay[n.Day] = append(byDay[n.Day], n)
	}
	sort.Strings(days)
	type pos struct{ x, y int }
	at := map[int64]pos{}
	x, height := 10, 0
	var b bytes.Buffer
	var body bytes.Buffer
	for _, d := range days {
		list := byDay[d]
		sort.Slice(list, func(i, j int) bool {
			if list[i].ClusterID != list[j].ClusterID {
				return list[i].ClusterID < list[j].ClusterID
			}
			return list[i].ID < list[j].ID
		})
		cols := (len(list) + perCol - 1) / perCol
		fmt.Fprintf(&body, `<text x="%d" y="18" class="d">%s（%d）</text>`, x, d[5:], len(list))
		for i, n := range list {
			p := pos{x + (i/perCol)*colW, top + (i%perCol)*rowH}
			at[n.ID] = p
			height = max(height, p.y+rowH)
		}
		x += cols*colW + 20
	}
	for _, e := range g.Edges {
		a, b2 := at[e[0]], at[e[1]]
		fmt.Fprintf(&body, `<path d="M%d %dL%d %d"/>`, a.x+colW-20, a.y+6, b2.x, b2.y+6)
	}
	for _, n := range g.Nodes {
		p := at[n.ID]
		fmt.Fprintf(&body, `<a href="%s"><rect x="%d" y="%d" width="%d" height="16" class="c%d"/><text x="%d" y="%d">#%d %s</text></a>`,
			html.EscapeString(link(n.ID)), p.x, p.y-4, colW-24, n.ClusterID%6, p.x+3, p.y+8, n.ID, html.EscapeString(n.Label))
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-size="11">`, x, height+10, x, height+10)
	b.WriteString(`<style>rect{fill:#fdecea;stroke:#c0392b}.c1{fill:#e8f0fe}.c2{fill:#e6f4ea}.c3{fill:#fff4e5}.c4{fill:#f3e8fd}.c5{fill:#e0f7fa}path{stroke:#888;fill:none;marker-end:url(#h)}.d{font-weight:bold}</style>`)
	b.WriteString(`<defs><marker id="h" markerWidth="6" markerHeight="6" refX="6" refY="3" orient="auto"><path d="M0 0L6 3L0 6z" fill="#888"/></marker></defs>`)
	b.Write(body.Bytes())
	b.WriteString(`</svg>`)
	return b.Bytes()
}
