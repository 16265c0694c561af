extension Table: Encodable {
    /// Rows: `{"columns": [key…], "rows": [{key: value…}…], "note": text or null}`; a record:
    /// one object `{key: value…}` (its note, if any, under `note`). See ``Table``.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        switch content {
        case .rows(let columns, let rows):
            try container.encode(columns.map(\.key), forKey: JSONKey("columns"))
            var list = container.nestedUnkeyedContainer(forKey: JSONKey("rows"))
            for row in rows {
                var object = list.nestedContainer(keyedBy: JSONKey.self)
                for (column, cell) in zip(columns, row) { try object.encode(cell, forKey: JSONKey(column.key)) }
            }
            try container.encode(note, forKey: JSONKey("note"))
        case .record(let fields):
            try encode(fields, into: &container)
            if let note { try container.encode(note, forKey: JSONKey("note")) }
        }
    }

    /// Encodes `fields` into an object being written, one key each (for views that add more keys).
    func encode(_ fields: [Field], into container: inout KeyedEncodingContainer<JSONKey>) throws {
        for field in fields { try container.encode(field.value, forKey: JSONKey(field.key)) }
    }
}

/// A JSON object key chosen at run time (a column's or a field's).
struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ key: String) { stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
