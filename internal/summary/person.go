package summary

import "context"

// Record is one thing a domain holds about a person — an arrival, a push
// task, a control measure, a stay at a quarantine site, a sample in a
// testing round — for the person's page, which joins them up (一次录入、
// 多次复用) with a link to each.
type Record struct {
	Domain string // "returnee", "measure", …
	Kind   string // 返乡, 核查任务, 管控措施, 集中隔离, 核酸检测
	Day    string // YYYY-MM-DD the record is dated by (arrival, assignment, sampling)
	Title  string // what it is, in a line
	Status string // its state in the domain's words
	Link   string // the record's page ("" for none)
	Open   bool   // still under way (shown first)
}

// PersonSource is a domain that lists its records of a person. The caller
// has already found the person inside its scope; a domain lists every
// record of that person, wherever it is kept (a county site holds a
// village's resident).
type PersonSource interface {
	PersonRecords(ctx context.Context, personID int64) ([]Record, error)
}
