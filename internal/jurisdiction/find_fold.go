package jurisdiction

import "strings"

// traditional pairs each traditional or variant character people type in
// place and unit names (陝西省戶縣, 鄠邑區, 韓村, 邨 for 村, 巿 mistaken for
// 市) with the simplified character of the division-code files. A few names
// of the files keep a traditional character themselves (濛江乡, 双环邨街道):
// both sides are folded before they are compared.
const traditional = "" +
	"區区縣县県县鄉乡鄕乡鎮镇鎭镇陝陕東东華华龍龙雲云廣广蘇苏遼辽寧宁臺台颱台灣湾貴贵" +
	"陽阳漢汉鄭郑內内鳳凤戶户長长慶庆義义興兴陰阴隂阴陳陈衛卫齊齐濟济橋桥園园莊庄辦办" +
	"處处會会員员關关門门開开間间閩闽閣阁濱滨濰潍灤滦淶涞溝沟澤泽潤润湯汤滿满瀋沈瀏浏" +
	"潛潜澗涧湞浈紅红綏绥綿绵縉缙續续練练緣缘縱纵總总紹绍絳绛經经維维網网線线終终組组" +
	"鐵铁銀银錦锦鋼钢鎖锁鍾钟鐘钟錫锡銅铜鈴铃馬马駐驻騰腾驛驿驪骊鳥鸟鶴鹤鷹鹰鵝鹅鳴鸣" +
	"魚鱼鮮鲜麗丽黃黄點点黨党爾尔彌弥嶺岭嶽岳島岛崗岗嵐岚峽峡巖岩屬属層层屆届幫帮廠厂" +
	"廟庙廈厦廬庐龐庞張张彎弯強强當当錄录從从後后徑径懷怀戰战擁拥撫抚據据擊击數数斷断" +
	"時时晉晋曉晓條条樓楼樂乐標标樹树橫横檢检歐欧歲岁歷历殘残氣气溫温測测湧涌灘滩瀾澜" +
	"濤涛潔洁漁渔潁颍滬沪營营爐炉牆墙獅狮獲获現现環环瑪玛產产畢毕異异發发盤盘盧卢眾众" +
	"衆众礦矿確确禮礼禪禅種种稱称積积穩稳窯窑竇窦築筑簡简糧粮紀纪約约納纳純纯紙纸級级" +
	"細细結结統统絲丝綠绿緊紧羅罗習习聖圣聯联聲声職职肅肃舊旧葉叶萬万蔣蒋蕭萧薊蓟藍蓝" +
	"藝艺蘭兰號号補补裝装規规視视親亲覺觉觀观記记許许設设訪访詩诗誠诚語语調调談谈諸诸" +
	"謝谢護护譚谭讓让豐丰貝贝財财貢贡貨货資资賈贾賓宾賢贤賴赖贛赣趙赵跡迹車车軍军軒轩" +
	"輝辉輪轮轉转農农連连進进遊游運运過过達达遠远遷迁選选遺遗鄒邹鄧邓醫医釋释針针錢钱" +
	"閘闸閻阎陸陆隊队隨随險险隱隐雙双雞鸡鶏鸡離离難难電电靈灵靜静韓韩頂顶順顺頭头題题" +
	"顏颜願愿風风飛飞館馆驗验體体魯鲁鹽盐麥麦齒齿龜龟億亿倉仓傳传傑杰備备僑侨價价儀仪" +
	"優优兒儿兩两劉刘劍剑勞劳勝胜勵励匯汇協协單单參参叢丛吳吴問问啟启喬乔團团圍围國国" +
	"圖图圓圆場场塢坞壩坝壇坛壽寿夢梦夾夹奮奋婦妇學学寶宝實实寫写對对導导將将專专嶼屿" +
	"巒峦帶带庫库廳厅彥彦應应揚扬擔担無无煙烟熱热燈灯爭争獨独琿珲甌瓯畫画畝亩疊叠碩硕" +
	"磚砖祿禄禦御窪洼筆笔節节範范篤笃紡纺綜综綢绸緒绪編编繩绳繼继聞闻臘腊臨临舉举蘆芦" +
	"蘋苹蘊蕴蝦虾蠶蚕術术覽览評评詳详認认說说讀读變变貧贫貿贸賀贺賽赛趕赶輔辅輕轻載载" +
	"邊边郵邮鄰邻鄔邬鏡镜鐸铎陣阵階阶際际雜杂霧雾韋韦響响頓顿預预領领額额類类顯显飯饭" +
	"養养餘余饒饶駕驾騎骑鳩鸠鶯莺鸞鸾齡龄滎荥灃沣澇涝碭砀臥卧塚冢壺壶瀘泸遜逊邁迈還还" +
	"隴陇壯壮寬宽審审憲宪牽牵獻献瑤瑶璣玑窩窝簽签絡络綱纲緯纬縮缩膠胶艷艳莖茎薦荐藥药" +
	"蘿萝蠻蛮裏里裡里製制複复詞词誌志證证豬猪賞赏踐践蹤踪轄辖迴回適适遲迟鉛铅鋪铺錯错" +
	"鍋锅鏈链閉闭閃闪閒闲雖虽霽霁頁页項项須须頌颂顧顾飄飘飲饮餅饼驅驱鯉鲤鱗鳞鴨鸭鴻鸿" +
	"鵬鹏鷗鸥齋斋龔龚邨村峯峰羣群靑青巿市傢家淺浅溼湿濕湿瀨濑瀟潇濺溅瀅滢滷卤滸浒潯浔" +
	"潿涠潰溃瀧泷濼泺瀝沥瀰弥灕漓漣涟渦涡瀆渎襖袄貞贞賦赋贇赟赬赪鄺邝鄴邺鄶郐酈郦鄖郧" +
	"鄲郸鄆郓嶧峄嶸嵘崍崃峴岘嶠峤崑昆蓮莲蔔卜薑姜藺蔺蘄蕲薩萨藹蔼蕪芜蓋盖葦苇蘺蓠鞏巩" +
	"韜韬頤颐頰颊闕阙闞阚閬阆閔闵閭闾陘陉隕陨隄堤汙污沖冲淪沦渾浑湊凑溈沩滄沧滯滞漚沤" +
	"漲涨潑泼澠渑濁浊濘泞濛蒙瀉泻瀕濒灑洒烏乌燁烨燦灿爺爷犢犊狹狭猶犹獰狞獷犷玀猡瑋玮" +
	"瑣琐璦瑷璉琏瓊琼畬畲疇畴盞盏睞睐瞞瞒矯矫硃朱碸砜磯矶礪砺礫砾祐佑禍祸稈秆稜棱穌稣" +
	"窮穷竅窍竪竖筧笕箏筝簍篓籠笼糞粪糰团紇纥紋纹紐纽紗纱紘纮絨绒綉绣綸纶緝缉緬缅縈萦" +
	"繞绕繡绣纏缠罈坛羥羟翹翘聳耸聰聪膚肤臍脐艙舱芻刍茲兹荊荆莧苋萊莱萵莴蒼苍蓀荪蔞蒌" +
	"蕁荨蕎荞薈荟藎荩虜虏蛺蛱蜆蚬蠟蜡衊蔑袞衮襲袭見见覓觅訂订訴诉誕诞諒谅謙谦譙谯讚赞" +
	"豈岂貫贯貽贻賁贲賑赈賜赐賡赓贊赞贍赡躍跃軟软輞辋輿舆轅辕辮辫迺乃逕迳郟郏郤郄醞酝" +
	"釗钊鈞钧鈺钰鉅钜銘铭銳锐鋒锋錚铮鍛锻鎧铠鎬镐鏵铧鐳镭鑄铸鑒鉴鑑鉴閎闳闔阖闢辟陞升" +
	"隻只雋隽雛雏靄霭韻韵頡颉頲颋顥颢颯飒飆飙餞饯餵喂饋馈馮冯駒驹駿骏騏骐驊骅驃骠驕骄" +
	"鬱郁鮑鲍鯽鲫鱷鳄鳶鸢鴉鸦鴛鸳鴦鸯鴿鸽鵑鹃鵡鹉鶩鹜鷺鹭鸚鹦鹹咸黌黉黲黪黿鼋鼇鳌齲龋" +
	"龕龛"

// traditionalNames pairs more traditional characters with simplified
// ones: those of the common surnames and given names (偉, 楊, 孫, 呂, 嚴,
// 聶, 劉 …; 張偉 is 张伟 in the register), of place names the first table
// lacks (櫟陽, 涇陽, 嶗山, 棗莊, 欽州), common variants (爲, 眞, 啓, 綫,
// 衞), and the Japanese forms an input method may give (栄, 沢, 関, 徳).
// It is written out here; nothing is read at run time.
const traditionalNames = "" +
	"偉伟楊杨暉晖書书孫孙呂吕嚴严聶聂駱骆塗涂繆缪婁娄費费師师欒栾榮荣儲储諶谌厲厉權权帥帅樸朴計计來来況况堯尧閆闫鈕钮歸归剛刚凱凯愷恺歡欢瑩莹穎颖頴颖愛爱憶忆戀恋嬌娇" +
	"嫻娴嬋婵嬡嫒婭娅媧娲姍姗俠侠倫伦儉俭勛勋勳勋徠徕恆恒悅悦曄晔煒炜燾焘灝灏爍烁煥焕煉炼禎祯禕祎璽玺瓏珑驍骁驥骥馳驰騁骋騫骞鸝鹂鵲鹊鯤鲲鏞镛鑾銮韞韫靚靓蕓芸蔭荫薔蔷" +
	"熒荧螢萤鎣蓥硯砚碼码絹绢綺绮簫箫誼谊諧谐譽誉訓训議议遙遥釣钓闖闯閑闲閱阅闊阔亞亚為为爲为衞卫衝冲啓启綫线呉吴兌兑稅税脫脱淨净凈净淸清眞真敎教舘馆鷄鸡則则創创務务" +
	"動动勁劲勢势壓压堅坚復复獎奖奧奥尋寻幹干曆历暢畅鬆松楓枫棟栋樺桦櫻樱棲栖樅枞棗枣櫟栎樁桩滙汇濃浓渙涣淵渊減减決决涼凉涇泾滻浐澮浍漵溆粵粤欽钦岡冈崙仑嶗崂崢峥嶴岙" +
	"墾垦壘垒墳坟壟垄埡垭墊垫硤硖礄硚鹼碱鹵卤竈灶廂厢舖铺礬矾醬酱牀床甦苏穀谷穫获競竞筍笋籌筹紮扎綵彩繫系係系羨羡聽听豎竖較较髮发鬍胡腦脑豔艳艶艳囯国濶阔徳德儷俪綾绫" +
	"緹缇綬绶鰲鳌詔诏訥讷谿溪們们個个幾几機机樣样劃划劇剧勸劝嘆叹壞坏寵宠幣币廢废彙汇懇恳懸悬戲戏擇择擴扩攜携敵敌斂敛晝昼暫暂殺杀燒烧爛烂療疗癒愈盜盗盡尽監监礙碍禱祷" +
	"糾纠紛纷紳绅給给絕绝縫缝績绩織织繪绘繳缴纔才罰罚罷罢脅胁脈脉膽胆臉脸艦舰艱艰虛虚蟲虫褲裤襯衬討讨訊讯託托診诊詢询試试誇夸誤误課课請请謀谋謂谓講讲謹谨識识譜谱譯译" +
	"貓猫負负販贩貪贪責责貯贮貸贷貼贴買买賣卖賠赔賤贱賬账贈赠贏赢趨趋軌轨軸轴輸输輩辈輯辑轎轿辭辞辯辩這这違违遞递邏逻醜丑釀酿鈔钞鈣钙鉤钩鋁铝銷销鋸锯錘锤鍵键鏟铲鑰钥" +
	"鑼锣鑽钻闆板闡阐隸隶韌韧頑顽頒颁頗颇頸颈頻频顆颗顛颠顫颤飼饲飽饱飾饰餃饺餓饿饅馒駁驳騙骗騷骚驢驴驟骤骯肮髒脏鬥斗鬧闹鯊鲨鯨鲸鰱鲢鱉鳖鴕鸵麵面黴霉栄荣沢泽広广関关" +
	"鉄铁竜龙恵惠斉齐桜樱駅驿辺边亜亚単单労劳営营楽乐黒黑郷乡渓溪済济児儿歩步隣邻変变蔵藏検检険险験验剣剑緑绿縁缘瀬濑頼赖聴听庁厅勲勋穂穗巣巢拡扩弾弹毎每仏佛伝传転转" +
	"薬药"

var (
	simplifier = map[rune]rune{}
	// folds has a bit set for each character of the Basic Multilingual
	// Plane that simplifier folds: most names have none, and are checked
	// without a map lookup per character.
	folds [0x10000 / 64]uint64
)

func init() {
	rs := []rune(traditional + traditionalNames)
	for i := 0; i+1 < len(rs); i += 2 {
		simplifier[rs[i]] = rs[i+1]
		if rs[i] < 0x10000 {
			folds[rs[i]/64] |= 1 << (rs[i] % 64)
		}
	}
}

func folded(c rune) bool {
	if c < 0x10000 {
		return folds[c/64]&(1<<(c%64)) != 0
	}
	_, ok := simplifier[c]
	return ok
}

// Simplified folds the traditional and variant characters of a place or
// unit name to simplified ones: 陝西省戶縣 → 陕西省户县. A name without any
// is returned as it is, without copying.
func Simplified(s string) string {
	for i, c := range s {
		if folded(c) {
			return s[:i] + strings.Map(func(c rune) rune {
				if to, ok := simplifier[c]; ok {
					return to
				}
				return c
			}, s[i:])
		}
	}
	return s
}

// formerNames are names of divisions renamed since people learnt them,
// which they still type (户县 became 鄠邑区 in 2016), by the code of the
// division today. A county that only changed its ending (高陵县 → 高陵区)
// needs no entry: its short name finds it.
var formerNames = map[string][]string{
	"610118": {"户县", "鄠县"},
	"4206":   {"襄樊市"},
	"5308":   {"思茅市"},
	"420304": {"郧县"},
	"511703": {"达县"},
}

// FormerNames lists the former names of divisions and the code each names
// today, in no particular order.
func FormerNames() map[string]string {
	out := make(map[string]string, len(formerNames)*2)
	for code, names := range formerNames {
		for _, n := range names {
			out[n] = code
		}
	}
	return out
}
