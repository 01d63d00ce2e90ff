import java.time.*;
import java.time.format.*;
import java.time.temporal.*;

/** java.time with a fixed clock: dates, times, durations, periods, formatting and parsing in UTC. */
public class TimeFixed {
  public static void main(String[] args) {
    Clock clock = Clock.fixed(Instant.parse("2024-02-28T23:59:30Z"), ZoneOffset.UTC);
    LocalDateTime now = LocalDateTime.now(clock);
    System.out.println(now + " " + now.getDayOfWeek() + " " + now.getDayOfYear() + " leap " + now.toLocalDate().isLeapYear());
    LocalDate d = now.toLocalDate().plusDays(1);
    System.out.println(d + " " + d.plusMonths(1) + " " + d.plusYears(1) + " " + d.with(TemporalAdjusters.lastDayOfMonth()));
    Duration dur = Duration.ofSeconds(3725, 500_000_000);
    System.out.println(dur + " " + dur.toMinutes() + " " + dur.multipliedBy(3).toHours() + " " + Duration.between(now, now.plusHours(26)));
    Period p = Period.between(LocalDate.of(1969, 7, 20), d);
    System.out.println(p + " " + p.getYears() + " " + ChronoUnit.DAYS.between(LocalDate.of(1969, 7, 20), d));
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
    System.out.println(now.format(f) + " " + LocalDateTime.parse("2001/09/09 01:46:40", f) + " " + DateTimeFormatter.ISO_WEEK_DATE.format(d));
    OffsetDateTime odt = now.atOffset(ZoneOffset.ofHours(5));
    System.out.println(odt + " " + odt.toInstant() + " " + odt.toEpochSecond() + " " + Instant.ofEpochSecond(1_000_000_000L));
    YearMonth ym = YearMonth.of(2023, 2);
    System.out.println(ym + " " + ym.lengthOfMonth() + " " + Year.of(2100).isLeap() + " " + MonthDay.of(12, 25) + " " + LocalTime.of(13, 5).plusMinutes(70));
  }
}
