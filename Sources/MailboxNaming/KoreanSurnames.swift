// KoreanSurnames: the customary Latin spellings of Korean family names, besides the Revised Romanization.

/// The spellings most Korean families use for their surname in passports and at work (김 Kim, 이 Lee, 박 Park),
/// where the Revised Romanization (2000) would write gim, i, bak. The table follows the spellings the
/// National Institute of Korean Language found most used in passports for each surname (its 2009 survey of
/// surname romanizations), and common usage for the compound surnames. It is used for the family name only,
/// and only where a rule set asks (`korean_surnames: customary`); given names keep the Revised Romanization
/// unless HR sends a romanised name.
enum KoreanSurnames {
    static let source = """
        김kim 이lee 박park 최choi 정jung 강kang 조cho 윤yoon 장jang 임lim 한han 오oh 서seo 신shin 권kwon 황hwang
        안ahn 송song 류ryu 유yoo 전jeon 홍hong 고ko 문moon 양yang 손son 배bae 백baek 허heo 남nam 심shim 노noh
        하ha 곽kwak 성sung 차cha 주joo 우woo 구koo 민min 진jin 나na 지ji 엄um 채chae 원won 천chun 방bang 공kong
        현hyun 함ham 변byun 염yeom 여yeo 추choo 도do 소so 석seok 선sun 설seol 마ma 길gil 연yeon 위wi 표pyo
        명myung 기ki 반ban 왕wang 금keum 옥ok 육yook 인in 맹maeng 제je 모mo 탁tak 국kook 은eun 편pyun 용yong
        예ye 경kyung 봉bong 사sa 부boo 가ka 복bok 태tae 형hyung 두doo 감kam 동dong 호ho 승seung 상sang 갈kal
        라ra 피pi 빈bin 범bum
        남궁namgoong 황보hwangbo 제갈jegal 선우sunwoo 독고dokko 사공sagong 서문seomun 동방dongbang
        """

    static let spellings: [String: String] = {
        var table: [String: String] = [:]
        for entry in source.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let surname = entry.prefix { !$0.isASCII }
            table[String(surname)] = String(entry.dropFirst(surname.count))
        }
        return table
    }()

    /// The customary spelling of a hangul family name, when the table has it.
    static func customary(_ family: String) -> String? { spellings[family] }
}
