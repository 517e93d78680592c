package io.yundoc.server.sheets;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spreadsheet formulas: shifting a shared formula's relative references (xlsx), and parsing and evaluating the
 * formulas written into a {@code .ksheet} (docs/api-families.md §F1.5: {@code =…} is evaluated). The evaluator
 * covers arithmetic ({@code + - * / ^}, unary minus, {@code &}, comparisons), cell references and ranges, and the
 * functions SUM, AVERAGE, MIN, MAX, COUNT, ABS, ROUND, IF, CONCATENATE, LEN, UPPER, LOWER. An unknown function
 * evaluates to {@code #NAME?} as in Excel; a formula that does not parse is refused at write time (30011).
 */
final class Formulas {
    private static final Pattern REF =
            Pattern.compile("(?<![A-Za-z0-9_.\"!$])(\\$?)([A-Z]{1,3})(\\$?)([0-9]{1,7})(?![0-9A-Za-z_(])");
    static final int MAX_LENGTH = 8192;
    private static final int MAX_DEPTH = 64;
    /** A range argument larger than this evaluates to #REF!: evaluation cost stays bounded. */
    static final int MAX_RANGE_CELLS = 200_000;

    static final Err DIV0 = new Err("#DIV/0!");
    static final Err VALUE = new Err("#VALUE!");
    static final Err NAME = new Err("#NAME?");
    static final Err REF_ERR = new Err("#REF!");

    private Formulas() {}

    /** A shared formula's text for a cell {@code dr} rows and {@code dc} columns from its master. */
    static String shift(String formula, int dr, int dc) {
        Matcher m = REF.matcher(formula);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            int col = colIndex(m.group(2)) + (m.group(1).isEmpty() ? dc : 0);
            int row = Integer.parseInt(m.group(4)) + (m.group(3).isEmpty() ? dr : 0);
            String rep = col < 0 || row < 1 ? "#REF!" : m.group(1) + colName(col) + m.group(3) + row;
            m.appendReplacement(out, Matcher.quoteReplacement(rep));
        }
        m.appendTail(out);
        return out.toString();
    }

    static int colIndex(String letters) {
        int n = 0;
        for (int i = 0; i < letters.length(); i++) {
            char ch = letters.charAt(i);
            n = n * 26 + (ch - 'A' + 1);
        }
        return n - 1;
    }

    static String colName(int col) {
        StringBuilder b = new StringBuilder();
        for (int n = col + 1; n > 0; n = (n - 1) / 26) {
            b.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return b.toString();
    }

    /** The formula does not parse. */
    static final class ParseError extends Exception {
        ParseError(String why) {
            super(why);
        }
    }

    /** Reads the value of a cell (0-based) for the evaluator: Double, String, Boolean or an {@link Err}; null = empty. */
    interface Cells {
        Object value(int row, int col);
    }

    /** An error value such as {@code #DIV/0!}. */
    record Err(String text) {}

    /** A parsed formula (the text after {@code =}). */
    sealed interface Node {}

    record Num(double v) implements Node {}

    record Str(String v) implements Node {}

    record Bool(boolean v) implements Node {}

    record Ref(int row, int col) implements Node {}

    record Range(int r1, int c1, int r2, int c2) implements Node {}

    record Unary(char op, Node arg) implements Node {}

    record Binary(String op, Node left, Node right) implements Node {}

    record Call(String name, List<Node> args) implements Node {}

    static Node parse(String formulaBody) throws ParseError {
        if (formulaBody.length() > MAX_LENGTH) {
            throw new ParseError("formula too long");
        }
        Parser p = new Parser(formulaBody);
        Node n = p.comparison();
        p.skipSpace();
        if (p.pos != p.s.length()) {
            throw new ParseError("unexpected '" + p.s.charAt(p.pos) + "' at " + p.pos);
        }
        return n;
    }

    private static final class Parser {
        final String s;
        int pos;
        int depth;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        boolean eat(String tok) {
            skipSpace();
            if (s.startsWith(tok, pos)) {
                pos += tok.length();
                return true;
            }
            return false;
        }

        Node comparison() throws ParseError {
            if (++depth > MAX_DEPTH) {
                throw new ParseError("formula nested too deeply");
            }
            Node left = concat();
            for (String op : new String[] {"<>", "<=", ">=", "=", "<", ">"}) {
                if (eat(op)) {
                    left = new Binary(op, left, concat());
                    break;
                }
            }
            depth--;
            return left;
        }

        Node concat() throws ParseError {
            Node left = additive();
            while (eat("&")) {
                left = new Binary("&", left, additive());
            }
            return left;
        }

        Node additive() throws ParseError {
            Node left = multiplicative();
            while (true) {
                if (eat("+")) {
                    left = new Binary("+", left, multiplicative());
                } else if (eat("-")) {
                    left = new Binary("-", left, multiplicative());
                } else {
                    return left;
                }
            }
        }

        Node multiplicative() throws ParseError {
            Node left = power();
            while (true) {
                if (eat("*")) {
                    left = new Binary("*", left, power());
                } else if (eat("/")) {
                    left = new Binary("/", left, power());
                } else {
                    return left;
                }
            }
        }

        Node power() throws ParseError {
            Node left = unary();
            while (eat("^")) {
                left = new Binary("^", left, unary());
            }
            return left;
        }

        Node unary() throws ParseError {
            if (eat("-")) {
                if (++depth > MAX_DEPTH) {
                    throw new ParseError("formula nested too deeply");
                }
                Node n = new Unary('-', unary());
                depth--;
                return n;
            }
            if (eat("+")) {
                return unary();
            }
            return primary();
        }

        Node primary() throws ParseError {
            skipSpace();
            if (pos >= s.length()) {
                throw new ParseError("formula ends early");
            }
            char ch = s.charAt(pos);
            if (ch == '(') {
                pos++;
                Node n = comparison();
                if (!eat(")")) {
                    throw new ParseError("missing )");
                }
                return n;
            }
            if (ch == '"') {
                StringBuilder b = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= s.length()) {
                        throw new ParseError("unterminated string");
                    }
                    char c = s.charAt(pos++);
                    if (c == '"') {
                        if (pos < s.length() && s.charAt(pos) == '"') {
                            b.append('"');
                            pos++;
                        } else {
                            break;
                        }
                    } else {
                        b.append(c);
                    }
                }
                return new Str(b.toString());
            }
            if (Character.isDigit(ch) || ch == '.') {
                int start = pos;
                while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                    pos++;
                }
                if (pos < s.length() && (s.charAt(pos) == 'E' || s.charAt(pos) == 'e')) {
                    pos++;
                    if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                        pos++;
                    }
                    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                        pos++;
                    }
                }
                try {
                    return new Num(Double.parseDouble(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw new ParseError("bad number " + s.substring(start, pos));
                }
            }
            if (Character.isLetter(ch) || ch == '$' || ch == '_') {
                int start = pos;
                while (pos < s.length()
                        && (Character.isLetterOrDigit(s.charAt(pos))
                                || s.charAt(pos) == '$'
                                || s.charAt(pos) == '_'
                                || s.charAt(pos) == '.')) {
                    pos++;
                }
                String word = s.substring(start, pos);
                String upper = word.toUpperCase(Locale.ROOT);
                if (eat("(")) {
                    List<Node> args = new ArrayList<>();
                    if (!eat(")")) {
                        do {
                            args.add(comparison());
                        } while (eat(","));
                        if (!eat(")")) {
                            throw new ParseError("missing ) after arguments of " + word);
                        }
                    }
                    return new Call(upper, args);
                }
                if (upper.equals("TRUE") || upper.equals("FALSE")) {
                    return new Bool(upper.equals("TRUE"));
                }
                int[] a = cell(upper);
                if (a == null) {
                    throw new ParseError("unknown name " + word);
                }
                if (eat(":")) {
                    skipSpace();
                    int s2 = pos;
                    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '$')) {
                        pos++;
                    }
                    int[] b = cell(s.substring(s2, pos).toUpperCase(Locale.ROOT));
                    if (b == null) {
                        throw new ParseError("bad range end");
                    }
                    return new Range(
                            Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
                }
                return new Ref(a[0], a[1]);
            }
            throw new ParseError("unexpected '" + ch + "' at " + pos);
        }

        /** {row, col} of an A1 reference ({@code $} allowed), or null. */
        static int[] cell(String ref) {
            Matcher m = Pattern.compile("\\$?([A-Z]{1,3})\\$?([0-9]{1,7})").matcher(ref);
            if (!m.matches()) {
                return null;
            }
            int row = Integer.parseInt(m.group(2)) - 1;
            int col = colIndex(m.group(1));
            return row < 0 || col > 16383 ? null : new int[] {row, col};
        }
    }

    /** Evaluates {@code n}; errors are values, as in a spreadsheet. */
    static Object eval(Node n, Cells cells) {
        return switch (n) {
            case Num x -> x.v();
            case Str x -> x.v();
            case Bool x -> x.v();
            case Ref r -> {
                Object v = cells.value(r.row(), r.col());
                yield v == null ? 0.0 : v;
            }
            case Range r -> VALUE;
            case Unary u -> {
                Object v = eval(u.arg(), cells);
                yield v instanceof Err ? v : num(v) instanceof Double d ? (Object) (-d) : VALUE;
            }
            case Binary b -> binary(b, cells);
            case Call c -> call(c, cells);
        };
    }

    private static Object num(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof String s) {
            if (s.isEmpty()) {
                return 0.0;
            }
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return VALUE;
            }
        }
        return v == null ? 0.0 : v;
    }

    private static Object binary(Binary b, Cells cells) {
        Object l = eval(b.left(), cells);
        Object r = eval(b.right(), cells);
        if (l instanceof Err) {
            return l;
        }
        if (r instanceof Err) {
            return r;
        }
        if (b.op().equals("&")) {
            return text(l) + text(r);
        }
        if (b.op().length() <= 2 && "<>=".indexOf(b.op().charAt(0)) >= 0) {
            int cmp;
            if (l instanceof Double x && r instanceof Double y) {
                cmp = Double.compare(x, y);
            } else {
                cmp = text(l).compareToIgnoreCase(text(r));
            }
            return switch (b.op()) {
                case "=" -> cmp == 0;
                case "<>" -> cmp != 0;
                case "<" -> cmp < 0;
                case ">" -> cmp > 0;
                case "<=" -> cmp <= 0;
                default -> cmp >= 0;
            };
        }
        Object x = num(l);
        Object y = num(r);
        if (!(x instanceof Double a) || !(y instanceof Double c)) {
            return VALUE;
        }
        return switch (b.op()) {
            case "+" -> a + c;
            case "-" -> a - c;
            case "*" -> a * c;
            case "/" -> c == 0 ? DIV0 : (Object) (a / c);
            default -> Math.pow(a, c);
        };
    }

    /** The values of a function's arguments, ranges flattened; empty cells of ranges left out. */
    private static List<Object> flat(List<Node> args, Cells cells) {
        List<Object> out = new ArrayList<>();
        for (Node a : args) {
            if (a instanceof Range r) {
                long area = (long) (r.r2() - r.r1() + 1) * (r.c2() - r.c1() + 1);
                if (area > MAX_RANGE_CELLS) {
                    out.add(REF_ERR);
                    continue;
                }
                for (int row = r.r1(); row <= r.r2(); row++) {
                    for (int col = r.c1(); col <= r.c2(); col++) {
                        Object v = cells.value(row, col);
                        if (v != null) {
                            out.add(v);
                        }
                    }
                }
            } else {
                out.add(eval(a, cells));
            }
        }
        return out;
    }

    @SuppressWarnings("RefactorSwitch") // the switch mixes statements and yields on purpose: one case per operation
    private static Object call(Call c, Cells cells) {
        switch (c.name()) {
            case "SUM", "AVERAGE", "MIN", "MAX", "COUNT" -> {
                List<Double> nums = new ArrayList<>();
                for (Object v : flat(c.args(), cells)) {
                    if (v instanceof Err) {
                        return v;
                    }
                    if (v instanceof Double d) {
                        nums.add(d);
                    }
                }
                return switch (c.name()) {
                    case "SUM" -> nums.stream().mapToDouble(Double::doubleValue).sum();
                    case "COUNT" -> (double) nums.size();
                    case "AVERAGE" ->
                        nums.isEmpty()
                                ? DIV0
                                : (Object) nums.stream()
                                        .mapToDouble(Double::doubleValue)
                                        .average()
                                        .orElse(0);
                    case "MIN" ->
                        nums.stream().mapToDouble(Double::doubleValue).min().orElse(0);
                    default ->
                        nums.stream().mapToDouble(Double::doubleValue).max().orElse(0);
                };
            }
            case "ABS" -> {
                return c.args().size() != 1
                        ? VALUE
                        : num(eval(c.args().get(0), cells)) instanceof Double d ? (Object) Math.abs(d) : VALUE;
            }
            case "ROUND" -> {
                if (c.args().size() != 2) {
                    return VALUE;
                }
                if (num(eval(c.args().get(0), cells)) instanceof Double v
                        && num(eval(c.args().get(1), cells)) instanceof Double digits) {
                    return new BigDecimal(Double.toString(v))
                            .setScale(digits.intValue(), RoundingMode.HALF_UP)
                            .doubleValue();
                }
                return VALUE;
            }
            case "IF" -> {
                if (c.args().size() < 2 || c.args().size() > 3) {
                    return VALUE;
                }
                Object cond = eval(c.args().get(0), cells);
                if (cond instanceof Err) {
                    return cond;
                }
                boolean yes = cond instanceof Boolean b ? b : num(cond) instanceof Double d && d != 0;
                return yes
                        ? eval(c.args().get(1), cells)
                        : (c.args().size() == 3 ? eval(c.args().get(2), cells) : (Object) false);
            }
            case "CONCATENATE" -> {
                StringBuilder b = new StringBuilder();
                for (Object v : flat(c.args(), cells)) {
                    if (v instanceof Err) {
                        return v;
                    }
                    b.append(text(v));
                }
                return b.toString();
            }
            case "LEN", "UPPER", "LOWER" -> {
                if (c.args().size() != 1) {
                    return VALUE;
                }
                Object v = eval(c.args().get(0), cells);
                if (v instanceof Err) {
                    return v;
                }
                String t = text(v);
                return switch (c.name()) {
                    case "LEN" -> (double) t.length();
                    case "UPPER" -> t.toUpperCase(Locale.ROOT);
                    default -> t.toLowerCase(Locale.ROOT);
                };
            }
            default -> {
                return NAME;
            }
        }
    }

    /** A value as text, numbers without a trailing ".0". */
    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue());
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (v instanceof Err e) {
            return e.text();
        }
        return v.toString();
    }
}
