// TransliterationTableTests: names across scripts and the address each gets.

import MailboxNaming
import Testing

/// Names across scripts and the address the default rule (`{given}.{family}`) gives each.
@Suite struct TransliterationTableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var given: String
        var family: String
        var expected: String
        var testDescription: String { "\(given) \(family) → \(expected)" }
    }

    static func cases(_ rows: [(String, String, String)]) -> [Case] {
        rows.map { Case(given: $0.0, family: $0.1, expected: $0.2) }
    }

    static let chinese = cases([
        ("伟", "张", "wei.zhang"), ("芳", "王", "fang.wang"), ("娜", "李", "na.li"), ("秀英", "刘", "xiuying.liu"),
        ("敏", "陈", "min.chen"), ("静", "杨", "jing.yang"), ("丽", "黄", "li.huang"), ("强", "赵", "qiang.zhao"),
        ("磊", "吴", "lei.wu"), ("军", "周", "jun.zhou"), ("洋", "徐", "yang.xu"), ("勇", "孙", "yong.sun"),
        ("艳", "马", "yan.ma"), ("杰", "朱", "jie.zhu"), ("娟", "胡", "juan.hu"), ("涛", "郭", "tao.guo"),
        ("明", "何", "ming.he"), ("超", "高", "chao.gao"), ("秀兰", "林", "xiulan.lin"), ("霞", "罗", "xia.luo"),
        ("小龙", "李", "xiaolong.li"), ("建国", "郑", "jianguo.zheng"), ("志强", "梁", "zhiqiang.liang"),
        ("晓明", "谢", "xiaoming.xie"), ("国栋", "宋", "guodong.song"), ("德华", "刘", "dehua.liu"),
        ("子涵", "唐", "zihan.tang"), ("欣怡", "许", "xinyi.xu"), ("浩然", "韩", "haoran.han"), ("宇轩", "冯", "yuxuan.feng"),
        ("雨桐", "邓", "yutong.deng"), ("思远", "曹", "siyuan.cao"), ("文博", "彭", "wenbo.peng"), ("一鸣", "田", "yiming.tian"),
        ("静怡", "王", "jingyi.wang"), ("子轩", "张", "zixuan.zhang"), ("梓涵", "刘", "zihan.liu"), ("诗涵", "陈", "shihan.chen"),
        ("博文", "杨", "bowen.yang"), ("晨", "赵", "chen.zhao"), ("鑫", "周", "xin.zhou"), ("婷婷", "吴", "tingting.wu"),
        ("海燕", "徐", "haiyan.xu"), ("红梅", "孙", "hongmei.sun"), ("俊杰", "董", "junjie.dong"), ("佳怡", "袁", "jiayi.yuan"), ("嘉欣", "潘", "jiaxin.pan"),
        ("天佑", "蒋", "tianyou.jiang"),
        // Polyphonic surnames take their surname reading.
        ("田芳", "单", "tianfang.shan"), ("国藩", "曾", "guofan.zeng"), ("缙", "解", "jin.xie"), ("芳", "仇", "fang.qiu"),
        ("明", "区", "ming.ou"), ("槿惠", "朴", "jinhui.piao"), ("良镛", "查", "liangyong.zha"), ("叫天", "盖", "jiaotian.ge"),
        ("静", "覃", "jing.qin"), ("欣", "翟", "xin.zhai"), ("明", "缪", "ming.miao"), ("华", "任", "hua.ren"),
        ("毅", "乐", "yi.yue"), ("明", "万", "ming.wan"), ("梅", "沈", "mei.shen"), ("磊", "石", "lei.shi"),
        ("伟", "贾", "wei.jia"), ("红", "柏", "hong.bai"), ("一波", "薄", "yibo.bo"), ("荣", "褚", "rong.chu"),
        // ü as on Chinese passports (GB/T 28039).
        ("布韦", "吕", "buwei.lyu"), ("丽", "闾", "li.lyu"),
        // Compound surnames stay one word.
        ("娜娜", "欧阳", "nana.ouyang"), ("恭", "尉迟", "gong.yuchi"), ("亮", "诸葛", "liang.zhuge"), ("迁", "司马", "qian.sima"),
        ("婉儿", "上官", "waner.shangguan"), ("不败", "东方", "bubai.dongfang"), ("冲", "令狐", "chong.linghu"),
        ("复", "慕容", "fu.murong"), ("无忌", "长孙", "wuji.zhangsun"), ("卨", "万俟", "xie.moqi"), ("嵩", "皇甫", "song.huangfu"),
        ("惇", "夏侯", "dun.xiahou"), ("化", "宇文", "hua.yuwen"), ("瓒", "公孙", "zan.gongsun"), ("灭明", "澹台", "mieming.tantai"),
    ])

    static let latin = cases([
        ("José", "García", "jose.garcia"), ("François", "Lefèvre", "francois.lefevre"), ("Zoë", "Ørsted", "zoe.orsted"),
        ("Björn", "Ångström", "bjorn.angstrom"), ("Jürgen", "Müller", "jurgen.muller"), ("Øyvind", "Ødegård", "oyvind.odegard"),
        ("Łucja", "Wałęsa", "lucja.walesa"), ("Đorđe", "Đoković", "dorde.dokovic"), ("Ægir", "Þórsson", "aegir.thorsson"),
        ("Dóra", "Guðmundsdóttir", "dora.gudmundsdottir"), ("Heinz", "Straße", "heinz.strasse"), ("Siobhán", "Ní Bhraonáin", "siobhan.nibhraonain"),
        ("Renée", "D'Angelo", "renee.dangelo"), ("Seán", "O'Brien", "sean.obrien"), ("Mary-Jane", "Watson-Parker", "mary-jane.watson-parker"),
        ("Jean-Luc", "Picard", "jean-luc.picard"), ("Mary Ann", "Van der Berg", "maryann.vanderberg"),
        ("Juan Carlos", "de la Cruz", "juancarlos.delacruz"),
        ("İsmail", "Çelik", "ismail.celik"), ("Ağca", "Şahin", "agca.sahin"), ("Văn An", "Nguyễn", "vanan.nguyen"),
        ("Thị Hương", "Trần", "thihuong.tran"), ("Søren", "Kierkegaard", "soren.kierkegaard"), ("Ólafur", "Arnalds", "olafur.arnalds"),
        ("Íñigo", "Núñez", "inigo.nunez"), ("Ștefan", "Popescu", "stefan.popescu"), ("Ľubomír", "Dvořák", "lubomir.dvorak"),
        ("Przemysław", "Brzęczyszczykiewicz", "przemyslaw.brzeczyszczykiewicz"), ("Œdipe", "Lœwe", "oedipe.loewe"),
        ("ANNA", "SMITH", "anna.smith"), ("anna", "smith", "anna.smith"), ("Martin Luther", "King Jr.", "martinluther.king"),
        ("Bill", "Gates III", "bill.gates"), ("Sammy", "Davis Jr", "sammy.davis"), ("John", "Smith II", "john.smith"),
        ("Anne-Marie", "O'Connor", "anne-marie.oconnor"), ("Ève", "Saint-Laurent", "eve.saint-laurent"), ("Kōji", "Satō", "koji.sato"),
        ("Chloë", "Grace-Moretz", "chloe.grace-moretz"), ("Ingrid", "Bergman", "ingrid.bergman"), ("Ñandú", "Peña", "nandu.pena"),
        ("Gülşen", "Öztürk", "gulsen.ozturk"), ("Tomáš", "Šťastný", "tomas.stastny"), ("Žaneta", "Ďurišová", "zaneta.durisova"),
        ("Aurélie", "Ça Va", "aurelie.cava"), ("Hélène", "d'Artagnan", "helene.dartagnan"), ("Ærøe", "Skov", "aeroe.skov"),
        ("Benoît", "Brûlé", "benoit.brule"), ("Jöns", "Bååth", "jons.baath"), ("Matthäus", "Köhler", "matthaus.kohler"),
        ("Lech", "Kaczyński", "lech.kaczynski"), ("Grzegorz", "Żółć", "grzegorz.zolc"), ("Ħabib", "Ħal", "habib.hal"),
        ("Nuño", "Álvarez", "nuno.alvarez"), ("Åsa", "Öberg", "asa.oberg"), ("Rūta", "Meilutytė", "ruta.meilutyte"),
        ("Jānis", "Bērziņš", "janis.berzins"), ("Mihály", "Csíkszentmihályi", "mihaly.csikszentmihalyi"),
        ("3rd", "Party", "3rd.party"), ("X Æ A-12", "Musk", "xaea-12.musk"),
    ])

    static let cyrillic = cases([
        ("Юлия", "Щербакова", "iuliia.shcherbakova"), ("Александр", "Пушкин", "aleksandr.pushkin"),
        ("Фёдор", "Достоевский", "fedor.dostoevskii"), ("Лев", "Толстой", "lev.tolstoi"), ("Сергей", "Жуков", "sergei.zhukov"),
        ("Наталья", "Хабибуллина", "natalia.khabibullina"), ("Андрей", "Ястребов", "andrei.iastrebov"),
        ("Мария", "Цветаева", "mariia.tsvetaeva"), ("Пётр", "Чайковский", "petr.chaikovskii"), ("Эдуард", "Объедков", "eduard.obieedkov"),
        ("Татьяна", "Подъячева", "tatiana.podieiacheva"),
        ("Олена", "Зеленська", "olena.zelenska"), ("Віталій", "Кличко", "vitalii.klichko"), ("Євген", "Їжаков", "ievgen.izhakov"),
        ("Ђорђе", "Ђоковић", "dorde.dokovic"), ("Љубица", "Њего", "ljubitsa.njego"), ("Ирина", "Шайк", "irina.shaik"),
        ("Ксения", "Собчак", "kseniia.sobchak"), ("Михаил", "Горбачёв", "mikhail.gorbachev"), ("Дмитрий", "Менделеев", "dmitrii.mendeleev"),
        ("Екатерина", "Великая", "ekaterina.velikaia"), ("Хабиб", "Нурмагомедов", "khabib.nurmagomedov"), ("Юрий", "Гагарин", "iurii.gagarin"),
    ])

    static let kana = cases([
        ("ひろし", "やまだ", "hiroshi.yamada"), ("たろう", "さとう", "taro.sato"), ("きょうこ", "すずき", "kyoko.suzuki"),
        ("しょうへい", "おおたに", "shohei.otani"), ("ゆうき", "おおの", "yuki.ono"), ("じゅんいち", "ほんま", "junichi.homma"),
        ("けんた", "なんば", "kenta.namba"), ("いっぺい", "はっとり", "ippei.hattori"), ("さちこ", "まっちゃ", "sachiko.matcha"),
        ("ユウコ", "タナカ", "yuko.tanaka"), ("ケンイチ", "サイトウ", "kenichi.saito"), ("ショウタ", "イトウ", "shota.ito"),
        ("リョウ", "コバヤシ", "ryo.kobayashi"), ("ジョン", "スミス", "jon.sumisu"), ("メアリー", "ジョーンズ", "meari.jonzu"),
        ("ふみこ", "ふじい", "fumiko.fujii"), ("ちひろ", "つじ", "chihiro.tsuji"), ("みゆき", "きむら", "miyuki.kimura"),
        ("しんぺい", "かんの", "shimpei.kanno"), ("りゅうじ", "にしむら", "ryuji.nishimura"),
    ])

    static let hangul = cases([
        ("민준", "김", "minjun.gim"), ("서연", "이", "seoyeon.i"), ("지훈", "박", "jihun.bak"), ("수아", "최", "sua.choe"),
        ("우진", "정", "ujin.jeong"), ("복남", "한", "boknam.han"), ("민", "남궁", "min.namgung"), ("윤아", "임", "yuna.im"),
        ("철수", "강", "cheolsu.gang"), ("영희", "조", "yeonghui.jo"), ("설리", "윤", "seolli.yun"), ("하늘", "장", "haneul.jang"),
        ("지민", "박", "jimin.bak"), ("은비", "권", "eunbi.gwon"), ("태양", "황보", "taeyang.hwangbo"), ("나래", "신", "narae.sin"), ("다은", "오", "daeun.o"),
        ("혜교", "송", "hyegyo.song"),
    ])

    static let other = cases([
        ("Γιώργος", "Παπαδόπουλος", "giorgos.papadopoulos"), ("Νίκος", "Καζαντζάκης", "nikos.kazantzakes"), ("Ελένη", "Οικονόμου", "elene.oikonomou"),
    ])

    func address(_ c: Case, _ namer: MailboxNamer) throws -> String {
        let plan = try namer.plan(for: PersonName(given: c.given, family: c.family))
        return try #require(plan.candidates.first { $0.refusal == nil }?.address)
    }

    static let namer = try! MailboxNamer(domain: "example.com")

    @Test(arguments: chinese) func chineseNames(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }
    @Test(arguments: latin) func latinNames(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }
    @Test(arguments: cyrillic) func cyrillicNames(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }
    @Test(arguments: kana) func kanaNames(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }
    @Test(arguments: hangul) func hangulNames(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }
    @Test(arguments: other) func otherScripts(_ c: Case) throws { #expect(try address(c, Self.namer) == c.expected + "@example.com") }

    @Test func thereAreAtLeast200Names() {
        #expect(Self.chinese.count + Self.latin.count + Self.cyrillic.count + Self.kana.count + Self.hangul.count + Self.other.count >= 200)
    }
}
