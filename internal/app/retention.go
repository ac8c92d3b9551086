package app

import "fangkong/internal/retention"

// retentionKinds are the kinds of personal data the retention job clears,
// with their default periods in days (Config.RetentionDays overrides
// them); adding a kind adds one entry here.
func (a *App) retentionKinds() []retention.Kind {
	return []retention.Kind{
		{Key: "measure_details", Name: "已解除人员的管控明细", Days: 30, Purge: a.Measures.PurgeReleased,
			Rule: "解除管控满%d天后，清除健康监测的体温和症状、预警说明、个人打卡链接、备注和来源地"},
		{Key: "push_rows", Name: "大数据推送名单的原始个人信息", Days: 30, Purge: a.PushLists.PurgeRows,
			Rule: "名单导入满%d天后，已核查（或重复、退回）的行清除原始行、姓名、身份证号、手机号、出发地、到达日期、地址和核查备注"},
		{Key: "self_reports", Name: "已处理的自主报备", Days: 30, Purge: a.Returnees.PurgeSelfReports,
			Rule: "确认或驳回满%d天后，清除报备人填写的姓名、身份证号、手机号、住址、来源地详情、车次、采样时间、症状和同行人员"},
		{Key: "site_stays", Name: "已结束的集中隔离记录", Days: 30, Purge: a.Sites.PurgeStays,
			Rule: "转出或解除隔离满%d天后，清除出发地、转运车辆、备注和转往地点"},
		{Key: "fever_reports", Name: "已出结果的哨点发热报告", Days: 30, Purge: a.Sentinels.PurgeReports,
			Rule: "检测结果（阴性或阳性）出具满%d天后，清除就诊人的姓名、身份证号、手机号、症状、用药和备注"},
		{Key: "drug_buyers", Name: "已核查的药店购药登记", Days: 30, Purge: a.Sentinels.PurgeBuyers,
			Rule: "村（社区）答复核查满%d天后，清除购药人的姓名、身份证号、手机号和答复说明"},
		{Key: "checkpoint_checks", Name: "卡口查验登记", Days: 30, Purge: a.Checkpoints.PurgeChecks,
			Rule: "查验满%d天后（待属地接收的除外），清除姓名、身份证号、手机号、车牌号、填写的出发地和目的地"},
		{Key: "place_scans", Name: "场所码扫码记录", Days: 21, Purge: a.Tracing.PurgeScans,
			Rule: "扫码满%d天后删除扫码记录（流调回溯以天计，病例的密接证据另有留存）"},
		{Key: "tracing_contacts", Name: "流调接触者的身份信息", Days: 30, Purge: a.Tracing.PurgeContacts,
			Rule: "接触者记录最后一次更新满%d天后，清除身份证号、手机号和扫码等证据（保留姓名、判定结果和传播链）"},
		{Key: "notify_messages", Name: "已发出的短信和通知", Days: 30, Purge: a.Notify.PurgeMessages,
			Rule: "通知排队满%d天且已发出（或失败）后，清除接收号码、接收人姓名和短信内容（保留类型、单位和发送状态）"},
		{Key: "walkins", Name: "流动人员采样登记", Days: 30, Purge: a.Sampling.PurgeWalkins,
			Rule: "采样满%d天且所在管已出结果后，清除姓名、手机号和身份证号"},
	}
}
