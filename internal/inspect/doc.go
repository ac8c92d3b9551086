// Package inspect owns supervision (督查) and rectification (整改):
// inspections of a unit's object — a village, checkpoint, sentinel,
// quarantine site, sampling point or venue — announced or covert (暗访,
// 四不两直), with a checklist per object type kept as data; and findings,
// each naming the responsible leader and person, the measure and the
// deadline, moving 待整改 → 整改中 → 待复核 → 已销号 (or back, 退回).
// A finding past its deadline is overdue and escalated (挂牌督办); the
// 通报 lists findings by township. Inspectors write findings and review;
// the cadres of the unit report progress.
package inspect
