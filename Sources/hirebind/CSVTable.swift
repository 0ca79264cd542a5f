// CSVTable: RFC 4180 CSV files read into rows keyed by their header.

import Foundation

/// A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF) read into rows keyed by its header.
struct CSVTable {
    var header: [String]
    var rows: [[String: String]]

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(text: String) throws {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",": record.append(field); field = ""
            case "\r": continue
            case "\n": record.append(field); records.append(record); record = []; field = ""
            default: field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { throw ParseError(description: "a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw ParseError(description: "the file is empty: the first line must name the columns")
        }
        self.header = header
        self.rows = records.dropFirst().filter { $0 != [""] }.map { values in
            var row: [String: String] = [:]
            for (index, name) in header.enumerated() where index < values.count {
                let value = values[index].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { row[name] = value }
            }
            return row
        }
    }
}
