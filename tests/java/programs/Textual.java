import java.text.*;
import java.util.*;

/** java.text and java.util formatting: DecimalFormat, NumberFormat, SimpleDateFormat in UTC, MessageFormat, StringJoiner, Properties. */
public class Textual {
  public static void main(String[] args) throws Exception {
    DecimalFormat df = new DecimalFormat("#,##0.00");
    System.out.println(df.format(1234567.891) + " " + df.format(-0.5) + " " + new DecimalFormat("0.###E0").format(123456) + " " + new DecimalFormat("000").format(7));
    NumberFormat nf = NumberFormat.getInstance(Locale.US);
    System.out.println(nf.format(1234.5678) + " " + NumberFormat.getPercentInstance(Locale.US).format(0.256) + " " + nf.parse("3,141.5"));
    SimpleDateFormat sdf = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss EEE MMM", Locale.US);
    sdf.setTimeZone(TimeZone.getTimeZone("UTC"));
    System.out.println(sdf.format(new Date(1_700_000_000_000L)) + " " + sdf.parse("2001-09-09T01:46:40 Sun Sep").getTime());
    System.out.println(MessageFormat.format("{0} has {1,number,integer} items costing {2,number,#.##}", "cart", 3, 9.999));
    StringJoiner sj = new StringJoiner(", ", "{", "}");
    sj.setEmptyValue("EMPTY");
    System.out.println(sj + " " + sj.add("a").add("b") + " " + sj.length());
    Properties props = new Properties();
    props.load(new java.io.StringReader("# comment\nname = typevisor\npath=/a\\\\b\nmulti = one \\\n   two\n"));
    System.out.println(new TreeMap<>(props) + " " + props.getProperty("missing", "default"));
    Calendar cal = Calendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.US);
    cal.setTimeInMillis(0);
    cal.add(Calendar.DAY_OF_MONTH, 45);
    System.out.println(cal.get(Calendar.YEAR) + "-" + (cal.get(Calendar.MONTH) + 1) + "-" + cal.get(Calendar.DAY_OF_MONTH) + " " + cal.get(Calendar.DAY_OF_WEEK));
    System.out.println(String.format(Locale.US, "%,.3f|%10.4e|%-8s|%08X", 1234567.8912, 0.000123, "ok", 48879) + " " + Integer.toString(255, 2) + " " + Long.parseLong("-zz", 36) + " " + Integer.parseUnsignedInt("4294967295"));
  }
}
