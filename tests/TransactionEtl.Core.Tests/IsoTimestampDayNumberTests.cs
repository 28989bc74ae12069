using System.Globalization;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// IsoTimestamp counts a date's day number and the instant's ticks itself (issue 19) instead of building DateOnly,
/// TimeOnly and TimeSpan values: every day of every year 1-9999, and every impossible day next to them, gives what
/// the BCL's calendar gives.
/// </summary>
public class IsoTimestampDayNumberTests
{
    [Fact]
    public void Every_calendar_day_has_the_day_number_and_instant_of_the_bcl()
    {
        var day = new DateOnly(1, 1, 1);
        var last = new DateOnly(9999, 12, 31);
        while (true)
        {
            string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.True(IsoTimestamp.TryParseDate(text, out var parsed), text);
            Assert.Equal(day, parsed);
            Assert.True(IsoTimestamp.TryParse(text, out var utc, out var written), text);
            Assert.Equal((day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), day), (utc, written));
            if (day == last)
            {
                break;
            }
            day = day.AddDays(1);
        }
    }

    [Fact]
    public void Days_past_the_end_of_each_month_are_refused_as_the_bcl_refuses_them()
    {
        foreach (int year in (int[])[1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9996, 9999])
        {
            for (int month = 1; month <= 12; month++)
            {
                for (int day = 28; day <= 32; day++)
                {
                    string text = $"{year:D4}-{month:D2}-{day:D2}";
                    bool real = day <= DateTime.DaysInMonth(year, month);
                    Assert.Equal(real, IsoTimestamp.TryParseDate(text, out _));
                    Assert.Equal(real, IsoTimestamp.TryParse(text + "T12:00Z", out _, out _));
                }
            }
        }
    }

    [Fact]
    public void Random_instants_with_offsets_convert_to_utc_as_date_time_offset_does()
    {
        var random = new Random(19);
        for (int i = 0; i < 20_000; i++)
        {
            var local = new DateTime(random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay) / 10 * 10);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
            string text = local.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)
                + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

            Assert.True(IsoTimestamp.TryParse(text, out var utc, out var written), text);
            Assert.Equal(new DateTimeOffset(local, offset).UtcDateTime, utc);
            Assert.Equal(DateTimeKind.Utc, utc.Kind);
            Assert.Equal(DateOnly.FromDateTime(local), written);
        }
    }
}
