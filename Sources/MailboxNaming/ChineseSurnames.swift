/// Surname readings of Chinese family names whose everyday reading differs from the surname one,
/// and compound surnames, which stay one word.
///
/// ICU's transliterator is not name-aware (单 → dan, 曾 → ceng): a family name found here takes
/// this reading instead. ü is written `lyu`/`nyu` as in GB/T 28039 passport practice.
public enum ChineseSurnames {
    static let readings: [String: String] = [
        // Polyphonic single-character surnames.
        "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
        "盖": "ge", "繁": "po", "华": "hua", "任": "ren", "乐": "yue", "尉": "yu", "缪": "miao",
        "翟": "zhai", "覃": "qin", "召": "shao", "种": "chong", "万": "wan", "秘": "bi",
        "吕": "lyu", "女": "nyu", "闾": "lyu",
        // Compound surnames.
        "欧阳": "ouyang", "尉迟": "yuchi", "诸葛": "zhuge", "司马": "sima", "上官": "shangguan",
        "东方": "dongfang", "皇甫": "huangfu", "令狐": "linghu", "慕容": "murong", "长孙": "zhangsun",
        "宇文": "yuwen", "司徒": "situ", "夏侯": "xiahou", "公孙": "gongsun", "澹台": "tantai",
    ]

    /// The surname reading of `family`, when it is a listed surname.
    public static func reading(of family: String) -> String? {
        readings[family]
    }
}
