package inspect

// ObjectTypes are what an inspection looks at, each with its checklist
// (检查清单): the seeds' six domains of supervision brought to the object.
var ObjectTypes = []ObjectType{
	{"village", "村（社区）", []string{
		"返乡人员底数清、台账完整", "推送核查任务24小时内反馈", "居家隔离人员每日健康监测到位",
		"网格员、包保责任人在岗", "村口值守与登记到位", "日报告、零报告按时报送"}},
	{"checkpoint", "卡口", []string{
		"24小时有人值守", "查验健康码、行程码、核酸证明", "登记信息完整", "异常人员按规定移交", "防护用品配备"}},
	{"sentinel", "哨点（诊所、药店）", []string{
		"发热等症状患者登记", "购买退热止咳药品实名登记", "异常情况2小时内报告", "预检分诊落实"}},
	{"site", "集中隔离点", []string{
		"三区两通道设置规范", "工作人员闭环管理与核酸检测", "单人单间、不串门", "医疗废物规范处置", "每日健康监测两次"}},
	{"sampling", "核酸采样点", []string{
		"一米线与人员分流", "采样人员防护规范", "样本及时转运", "信息录入与标本一致"}},
	{"venue", "重点场所", []string{
		"扫码测温、佩戴口罩", "通风与消毒记录", "限流措施落实", "聚集性活动报备"}},
}

// ObjectType is a kind of object with its checklist.
type ObjectType struct {
	Code  string
	Name  string
	Items []string
}

// Type returns the object type with code.
func Type(code string) (ObjectType, bool) {
	for _, t := range ObjectTypes {
		if t.Code == code {
			return t, true
		}
	}
	return ObjectType{}, false
}

// Finding statuses.
const (
	StatusOpen     = "待整改"
	StatusProgress = "整改中"
	StatusReview   = "待复核"
	StatusClosed   = "已销号"
)

// Statuses in their order.
var Statuses = []string{StatusOpen, StatusProgress, StatusReview, StatusClosed}

// Severities of a finding.
var Severities = []string{"一般", "较重", "严重"}
