package io.chatkpi.api.http;

import java.util.List;

/** RFC 4180 CSV lines. Text that a spreadsheet would run as a formula (= + - @ first) is prefixed with '. */
public final class Csv {

    private Csv() {}

    public static String line(List<?> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) b.append(',');
            b.append(field(values.get(i)));
        }
        return b.append("\r\n").toString();
    }

    public static String field(Object v) {
        if (v == null) return "";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        String s = v.toString();
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || s.indexOf('\'') == 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
