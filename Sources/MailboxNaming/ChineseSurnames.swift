// ChineseSurnames: the table of Chinese single and compound surnames with their readings.

/// Chinese family names with their surname readings: the Hundred Family Surnames (百家姓), the most common
/// modern surnames, and every single and compound surname of the two widely used open surname-reading tables
/// (the surname dictionaries of the `pinyin-pro` and `overtrue/pinyin` projects, read 2026-12), 607 in all:
/// 537 single, 70 compound.
///
/// ICU's transliterator reads each character by its commonest reading, which for many surnames is wrong
/// (单 → dan, 曾 → ceng, 解 → jie, 朴 → pu, 六 → liu, 藏 → cang, 啜 → chuo); a family name found here takes
/// this reading. ü is written `ü` and spelled by the rule's `chinese_u` option (lyu, lv or lu).
///
/// Where the tables differ: the two upstream tables agree on every surname both list; `overtrue/pinyin` adds 29
/// that `pinyin-pro` lacks (单于 chanyu, 重 chong, 秘 bi, 冼 xian, 种 chong, 佴 nai, 粘 nian, 藏 zang, 不 fou, …),
/// all taken. hirebind's own earlier table read 宓 as fu (the classical reading, 宓子贱); `pinyin-pro` reads it
/// mi, as families of that name mostly do today, and mi is taken. 69 modern surnames of hirebind's own list that
/// neither table has (付, 闫, 佟, 邝, 谷梁, 独孤, …) stay.
public enum ChineseSurnames {
    static let source = """
        王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng
        梁liang 谢xie 宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng 肖xiao 田tian 董dong 袁yuan 潘pan 于yu 蒋jiang 蔡cai
        余yu 杜du 叶ye 程cheng 苏su 魏wei 吕lü 丁ding 任ren 沈shen 姚yao 卢lu 姜jiang 崔cui 钟zhong 谭tan 陆lu 汪wang 范fan 金jin 石shi
        廖liao 贾jia 夏xia 韦wei 付fu 傅fu 方fang 白bai 邹zou 孟meng 熊xiong 秦qin 邱qiu 江jiang 尹yin 薛xue 闫yan 阎yan 段duan 雷lei
        侯hou 龙long 史shi 陶tao 黎li 贺he 顾gu 毛mao 郝hao 龚gong 邵shao 万wan 钱qian 严yan 覃qin 武wu 戴dai 莫mo 孔kong 向xiang 汤tang
        常chang 温wen 康kang 施shi 文wen 牛niu 樊fan 葛ge 邢xing 安an 齐qi 易yi 乔qiao 伍wu 庞pang 颜yan 倪ni 庄zhuang 聂nie 章zhang 鲁lu
        岳yue 翟zhai 殷yin 詹zhan 申shen 欧ou 耿geng 关guan 兰lan 焦jiao 俞yu 左zuo 柳liu 甘gan 祝zhu 包bao 宁ning 尚shang 符fu 舒shu
        阮ruan 柯ke 纪ji 梅mei 童tong 凌ling 毕bi 单shan 季ji 裴pei 霍huo 涂tu 成cheng 苗miao 谷gu 盛sheng 曲qu 翁weng 冉ran 骆luo 蓝lan
        路lu 游you 辛xin 靳jin 管guan 柴chai 蒙meng 鲍bao 华hua 喻yu 祁qi 蒲pu 房fang 滕teng 屈qu 饶rao 解xie 牟mou 艾ai 尤you 阳yang 时shi
        穆mu 农nong 司si 卓zhuo 古gu 吉ji 缪miao 简jian 车che 项xiang 连lian 芦lu 麦mai 褚chu 娄lou 窦dou 戚qi 岑cen 景jing 党dang 宫gong
        费fei 卜bu 冷leng 晏yan 席xi 卫wei 米mi 柏bai 宗zong 瞿qu 桂gui 全quan 佟tong 应ying 臧zang 闵min 苟gou 邬wu 边bian 卞bian 姬ji
        师shi 和he 仇qiu 栾luan 隋sui 商shang 刁diao 沙sha 荣rong 巫wu 寇kou 桑sang 郎lang 甄zhen 丛cong 仲zhong 虞yu 敖ao 巩gong 明ming
        佘she 池chi 查zha 麻ma 苑yuan 迟chi 邝kuang 官guan 封feng 谈tan 匡kuang 鞠ju 惠hui 荆jing 乐yue 冀ji 郁yu 胥xu 南nan 班ban 储chu
        原yuan 栗li 燕yan 楚chu 鄢yan 劳lao 谌chen 奚xi 皮pi 粟su 冼xian 蔺lin 楼lou 盘pan 满man 闻wen 位wei 厉li 伊yi 仝tong 区ou 郜gao
        海hai 阚kan 花hua 权quan 强qiang 帅shuai 屠tu 豆dou 朴piao 盖ge 练lian 廉lian 禹yu 井jing 祖zu 漆qi 巴ba 丰feng 支zhi 卿qing 国guo
        狄di 平ping 计ji 索suo 宣xuan 晋jin 相xiang 初chu 门men 云yun 容rong 敬jing 来lai 扈hu 晁chao 芮rui 都du 普pu 阙que 浦pu 戈ge 伏fu
        鹿lu 薄bo 邸di 雍yong 辜gu 羊yang 阿a 乌wu 母mu 裘qiu 亓qi 修xiu 邰tai 赫he 杭hang 况kuang 那na 宿su 鲜xian 印yin 逯lu 隆long 茹ru
        诸zhu 战zhan 慕mu 危wei 玉yu 银yin 亢kang 嵇ji 公gong 哈ha 湛zhan 宾bin 戎rong 勾gou 茅mao 利li 於yu 呼hu 居ju 揭jie 干gan 但dan
        尉yu 冶ye 斯si 元yuan 束shu 檀tan 衣yi 信xin 展zhan 阴yin 昝zan 智zhi 幸xing 奉feng 植zhi 衡heng 富fu 尧yao 闭bi 由you 宓mi 员yun
        黑he 逄pang 秘bi 召shao 种chong 繁po 句gou 訾zi 隗wei 祭zhai 贲ben 郇xun 折she 恽yun 眭sui 粘nian 能nai 莘shen 女nü 闾lü 蒯kuai
        颛zhuan 佴nai 长zhang 重chong 洗xian 谯qiao 宰zai 酆feng 鄂e 邴bing 郦li 郗xi 殳shu 沃wo 蓟ji 水shui 昌chang 凤feng 萧xiao 贝bei
        经jing 洪hong 钮niu 滑hua 荀xun 家jia 羿yi 汲ji 糜mi 松song 弓gong 牧mu 山shan 蓬peng 仰yang 秋qiu 暴bao 钭tou 韶shao 怀huai
        从cong 咸xian 籍ji 赖lai 鬱yu 苍cang 双shuang 贡gong 扶fu 堵du 郤xi 璩qu 濮pu 寿shou 通tong 郏jia 别bie 充chong 习xi 宦huan 鱼yu
        慎shen 庾yu 终zhong 暨ji 步bu 弘hong 广guang 禄lu 东dong 蔚wei 越yue 夔kui 厍she 融rong 空kong 乜nie 养yang 须xu 巢chao 后hou
        红hong 竺zhu 益yi 桓huan 言yan 福fu 要yao 过guo 钻zuan 郄qie 撒sa 甯ning 六lu 啜chuai 行xing 幺yao 难nan 藏zang 扎za 的de 塔ta
        不fou 称cheng 鸟niao 思si 寻xun 烟yan 浅qian 浣wan 无wu 若ruo 贠yun 貟yun 么yao
        万俟moqi 司马sima 上官shangguan 欧阳ouyang 夏侯xiahou 诸葛zhuge 闻人wenren 东方dongfang 赫连helian 皇甫huangfu 尉迟yuchi 公羊gongyang
        澹台tantai 公冶gongye 宗政zongzheng 濮阳puyang 淳于chunyu 单于chanyu 太叔taishu 申屠shentu 公孙gongsun 仲孙zhongsun 轩辕xuanyuan
        令狐linghu 钟离zhongli 宇文yuwen 长孙zhangsun 慕容murong 鲜于xianyu 闾丘lüqiu 司徒situ 司空sikong 亓官qiguan 司寇sikou 子车ziju
        颛孙zhuansun 端木duanmu 巫马wuma 公西gongxi 漆雕qidiao 乐正yuezheng 壤驷rangsi 公良gongliang 拓跋tuoba 夹谷jiagu 宰父zaifu
        谷梁guliang 段干duangan 百里baili 东郭dongguo 南门nanmen 呼延huyan 羊舌yangshe 微生weisheng 梁丘liangqiu 左丘zuoqiu 东门dongmen
        西门ximen 南宫nangong 第五diwu 公仪gongyi 公乘gongsheng 太史taishi 仲长zhongchang 叱干chigan 独孤dugu 仉督zhangdu 榖梁guliang
        句龙goulong 毌丘guanqiu
        """

    /// Surname → reading (with ü), parsed once from ``source``.
    static let readings: [String: String] = {
        var table: [String: String] = [:]
        for entry in source.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let surname = entry.prefix { !$0.isASCII && $0 != "ü" }
            table[String(surname)] = String(entry.dropFirst(surname.count))
        }
        return table
    }()

    /// Every listed surname with its reading (ü unspelled).
    public static var all: [String: String] { readings }

    /// The surname reading of `family`, with ü unspelled, when it is a listed surname.
    public static func reading(of family: String) -> String? {
        readings[family]
    }

    /// Splits a Chinese full name: a listed compound surname takes two characters, any other surname one.
    public static func split(fullName: String) -> (family: String, given: String)? {
        let characters = Array(fullName.filter { !$0.isWhitespace && $0 != "·" })
        guard characters.count >= 2 else { return nil }
        if characters.count >= 3, readings[String(characters[0...1])] != nil {
            return (String(characters[0...1]), String(characters[2...]))
        }
        return (String(characters[0]), String(characters[1...]))
    }
}
