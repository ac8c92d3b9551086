// Package checkpoint owns the checkpoints (卡口): the register of a
// village's and a township's entrances and checkpoints (高速出口, 国省道,
// 村口主路, 村口小路, 小区门岗, 车站, 港口机场) with their status (值守, 封堵,
// 撤除) from a date, the shift rosters (三班倒) and the alert of a shift
// unfilled at its start, the check log of every vehicle and person
// (逢车必查、逢人必检) whose outcome — 放行, 劝返, 移交属地, 就地管控, 现场采样 —
// is computed by the checkpoint rules (卡口查验规则: versioned, effective-dated
// policy data, rules.json), the hand-overs (移交) that put a person in the
// returnee ledger and give the destination village a receive task with a
// deadline (an outgoing 协查 when the destination lies outside the county),
// incidents (冲卡、辱骂工作人员) with the police case number, and the day's
// figures per checkpoint and the night coverage of entrances.
package checkpoint
