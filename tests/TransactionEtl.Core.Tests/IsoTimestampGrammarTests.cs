using System.Globalization;
using TransactionEtl.Core.Internal;

namespace TransactionEtl.Core.Tests;

/// <summary>
/// The spec's ISO 8601 subset, parsed directly: every boundary of every component (hours 23/24, offsets 14:00/14:01,
/// 6/7 fraction digits, the first and last representable instant), and the date as written next to the UTC instant.
/// </summary>
public class IsoTimestampGrammarTests
{
    [Theory]
    [InlineData("2024-03-01", "2024-03-01T00:00:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T00:00", "2024-03-01T00:00:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T23:59", "2024-03-01T23:59:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01 07:08", "2024-03-01T07:08:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:59", "2024-03-01T10:15:59.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:00.5", "2024-03-01T10:15:00.5000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:00.05", "2024-03-01T10:15:00.0500000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:00.000001", "2024-03-01T10:15:00.0000010Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:00.999999Z", "2024-03-01T10:15:00.9999990Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15Z", "2024-03-01T10:15:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15+14:00", "2024-02-29T20:15:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15-14:00", "2024-03-02T00:15:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15+13:59", "2024-02-29T20:16:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15+00:59", "2024-03-01T09:16:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15-00:30", "2024-03-01T10:45:00.0000000Z", "2024-03-01")]
    [InlineData("2024-03-01T10:15:30.25-01:00", "2024-03-01T11:15:30.2500000Z", "2024-03-01")]
    [InlineData("2024-12-31T23:30-02:00", "2025-01-01T01:30:00.0000000Z", "2024-12-31")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00.0000000Z", "2024-02-29")]
    [InlineData("2000-02-29", "2000-02-29T00:00:00.0000000Z", "2000-02-29")]
    [InlineData("0001-01-01", "0001-01-01T00:00:00.0000000Z", "0001-01-01")]
    [InlineData("9999-12-31", "9999-12-31T00:00:00.0000000Z", "9999-12-31")]
    [InlineData("2024-01-31", "2024-01-31T00:00:00.0000000Z", "2024-01-31")]
    [InlineData("2024-12-01", "2024-12-01T00:00:00.0000000Z", "2024-12-01")]
    // The first instant DateTime holds, reached through an offset: ticks exactly 0.
    [InlineData("0001-01-01T01:00+01:00", "0001-01-01T00:00:00.0000000Z", "0001-01-01")]
    [InlineData("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.9999990Z", "9999-12-31")]
    [InlineData("9999-12-31T23:59:59.999999+01:00", "9999-12-31T22:59:59.9999990Z", "9999-12-31")]
    public void Parses_to_the_utc_instant_and_keeps_the_date_as_written(string text, string utc, string written)
    {
        Assert.True(IsoTimestamp.TryParse(text, out DateTime value, out DateOnly date), text);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(utc, value.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(written, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-03-0")]
    [InlineData("2024-03-011")]
    [InlineData("2024-03-01x")]
    [InlineData("2024-03-01T")]
    [InlineData("2024-03-01T10")]
    [InlineData("2024-03-01T10:0")]
    [InlineData("2024-03-01X10:00")]
    [InlineData("2024-03-01t10:00")]
    [InlineData("2024-03-01T10-00")]
    [InlineData("2024-03-01T10:00:")]
    [InlineData("2024-03-01T10:00:0")]
    [InlineData("2024-03-01T10:00:5Z")]
    [InlineData("2024-03-01T1a:00")]
    [InlineData("2024-03-01Ta1:00")]
    [InlineData("2024-03-01T10:a0")]
    [InlineData("2024-03-01T10:0a")]
    [InlineData("2024-03-01T10:00:a0")]
    [InlineData("2024-03-01T10:00:0a")]
    [InlineData("2024-03-01T24:00")]
    [InlineData("2024-03-01T10:60")]
    [InlineData("2024-03-01T10:00:60")]
    [InlineData("2024-03-01T10:00.5")]
    [InlineData("2024-03-01T10:00:00.")]
    [InlineData("2024-03-01T10:00:00.Z")]
    [InlineData("2024-03-01T10:00:00.1234567")]
    [InlineData("2024-03-01T10:00:00.1a")]
    [InlineData("2024-03-01T10:00:00,5")]
    [InlineData("2024-03-01T10:00ZZ")]
    [InlineData("2024-03-01T10:00z")]
    [InlineData("2024-03-01T10:00+14:01")]
    [InlineData("2024-03-01T10:00-14:30")]
    [InlineData("2024-03-01T10:00+15:00")]
    [InlineData("2024-03-01T10:00+01:60")]
    [InlineData("2024-03-01T10:00+0100")]
    [InlineData("2024-03-01T10:00+01:000")]
    [InlineData("2024-03-01T10:00*01:00")]
    [InlineData("2024-03-01T10:00+01-00")]
    [InlineData("2024-03-01T10:00+a1:00")]
    [InlineData("2024-03-01T10:00+0a:00")]
    [InlineData("2024-03-01T10:00+01:a0")]
    [InlineData("2024-03-01T10:00+01:0a")]
    [InlineData("2024-03-01T10:00 ")]
    // A date followed by an offset but no time: the time is not optional once anything follows the date.
    [InlineData("2024-03-01Z")]
    [InlineData("2024-03-01+01:00")]
    // Before the first or after the last instant DateTime holds.
    [InlineData("0001-01-01T00:59+01:00")]
    [InlineData("0001-01-01T00:00:00.000001+00:01")]
    [InlineData("9999-12-31T23:59:59.999999-00:01")]
    public void Refuses_times_outside_the_grammar_or_the_calendar(string text)
    {
        Assert.False(IsoTimestamp.TryParse(text, out DateTime value, out _), text);
        Assert.Equal(default, value);
    }

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("2024-12-31")]
    [InlineData("2024-02-29")]
    [InlineData("1900-02-28")]
    [InlineData("2024-04-30")]
    [InlineData("0001-01-01")]
    public void Reads_real_calendar_dates(string text)
    {
        Assert.True(IsoTimestamp.TryParseDate(text, out DateOnly date));
        Assert.Equal(DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("0000-01-01")]
    [InlineData("2024-00-10")]
    [InlineData("2024-13-10")]
    [InlineData("2024-01-00")]
    [InlineData("2024-01-32")]
    [InlineData("2023-02-29")]
    [InlineData("1900-02-29")]
    [InlineData("2024-04-31")]
    [InlineData("2024/01/01")]
    [InlineData("2024-01/01")]
    [InlineData("2024/01-01")]
    [InlineData("20240-1-01")]
    [InlineData("2a24-01-01")]
    [InlineData("202a-01-01")]
    [InlineData("2024-0a-01")]
    [InlineData("2024-a1-01")]
    [InlineData("2024-01-0a")]
    [InlineData("2024-01-a1")]
    [InlineData("2024-1-01")]
    [InlineData("2024-01-011")]
    [InlineData("+024-01-01")]
    public void Refuses_dates_that_are_not_yyyy_mm_dd_or_not_real(string text)
    {
        Assert.False(IsoTimestamp.TryParseDate(text, out DateOnly date));
        Assert.Equal(default, date);
    }
}
