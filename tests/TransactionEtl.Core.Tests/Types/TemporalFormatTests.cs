namespace TransactionEtl.Core.Tests.Types;

/// <summary>
/// date, datetime and time with a strptime pattern or "any". Cases follow frictionless-py's
/// (frictionless/fields/__spec__/test_date.py, test_datetime.py, test_time.py) and CPython's strptime.
/// </summary>
public class TemporalFormatTests
{
    private static string Field(string type, string format) => $"\"type\": \"{type}\", \"format\": \"{format}\"";

    [Theory]
    [InlineData("%d.%m.%Y", "31.12.2024", 2024, 12, 31)]
    [InlineData("%d.%m.%Y", "1.2.2024", 2024, 2, 1)] // strptime takes one digit for %d and %m
    [InlineData("%d/%m/%y", "01/02/69", 1969, 2, 1)] // %y: 69-99 are 19xx
    [InlineData("%d/%m/%y", "01/02/68", 2068, 2, 1)] // and 00-68 are 20xx
    [InlineData("%Y%m%d", "20240301", 2024, 3, 1)]
    [InlineData("%d %B %Y", "1 march 2024", 2024, 3, 1)] // names and literals ignore case, as strptime does
    [InlineData("%d-%b-%Y", "29-FEB-2024", 2024, 2, 29)]
    [InlineData("%A, %d %b %Y", "Friday, 01 Mar 2024", 2024, 3, 1)]
    [InlineData("%d  %m %Y", "01 \t 03   2024", 2024, 3, 1)] // white space in the pattern matches any run of it
    [InlineData("%d.%m.%Y %H:%M", "31.12.2024 23:59", 2024, 12, 31)] // a date drops the time, as frictionless-py's .date()
    [InlineData("fmt:%d.%m.%Y", "31.12.2024", 2024, 12, 31)] // the v0 "fmt:" prefix is removed (standard, backward compatibility)
    [InlineData("100%% %d.%m.%Y", "100% 31.12.2024", 2024, 12, 31)]
    public async Task Reads_a_date_with_a_pattern(string format, string cell, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), await OneField.ValueAsync(Field("date", format), cell));

    [Theory]
    [InlineData("%d.%m.%Y", "31.02.2024")] // no such day
    [InlineData("%d.%m.%Y", "32.12.2024")]
    [InlineData("%d.%m.%Y", "2024-12-31")]
    [InlineData("%d.%m.%Y", "31.12.24")] // %Y is exactly four digits
    [InlineData("%d.%m.%Y", "31.12.2024 ")] // the whole cell must match
    [InlineData("%d.%m.%Y", "00.12.2024")]
    [InlineData("%d/%m/%y", "01/02/2024")]
    [InlineData("%A, %d %b %Y", "Monday, 01 Mar 2024")] // the weekday must be the date's (strptime ignores it)
    [InlineData("%d %B %Y", "1 Mar 2024")] // %B is the full name
    public async Task Refuses_a_date_its_pattern_does_not_describe(string format, string cell)
    {
        var error = await OneField.ErrorAsync(Field("date", format), cell);
        Assert.Equal(FileErrorCodes.TypeError, error.Code);
        Assert.Contains($"expected the pattern {format}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hint_shows_the_pattern_with_an_example() =>
        Assert.Contains("expected the pattern %d.%m.%Y, e.g. 01.03.2024", (await OneField.ErrorAsync(Field("date", "%d.%m.%Y"), "x")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("%d.%m.%Y %H:%M", "31.12.2024 23:59", "2024-12-31T23:59:00Z")] // no offset means UTC, as the default form
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T00:30:00+0200", "2024-02-29T22:30:00Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T00:30:00-02:30", "2024-03-01T03:00:00Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T00:30:00Z", "2024-03-01T00:30:00Z")]
    [InlineData("%d/%m/%Y %I:%M %p", "01/03/2024 02:30 PM", "2024-03-01T14:30:00Z")]
    [InlineData("%d/%m/%Y %I:%M %p", "01/03/2024 12:00 am", "2024-03-01T00:00:00Z")]
    [InlineData("%d.%m.%Y %H:%M:%S.%f", "01.03.2024 10:00:00.5", "2024-03-01T10:00:00.5Z")]
    [InlineData("%d.%m.%Y %H:%M:%S.%f", "01.03.2024 10:00:00.123456", "2024-03-01T10:00:00.123456Z")]
    [InlineData("%d/%m/%Y", "01/03/2024", "2024-03-01T00:00:00Z")] // a datetime pattern may leave the time out: midnight
    [InlineData("fmt:%d/%m/%y %H:%M", "21/11/06 16:30", "2006-11-21T16:30:00Z")]
    public async Task Reads_a_datetime_with_a_pattern_as_utc(string format, string cell, string utc)
    {
        var value = (DateTime)(await OneField.ValueAsync(Field("datetime", format), cell))!;
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), value);
    }

    [Theory]
    [InlineData("%d/%m/%y %H:%M", "21/11/06 16:30:00")]
    [InlineData("%H:%M %d/%m/%y", "21/11/06 16:30")]
    [InlineData("%d.%m.%Y %H:%M:%S.%f", "01.03.2024 10:00:00.1234567")] // PostgreSQL keeps microseconds
    [InlineData("%d.%m.%Y %H:%M", "01.03.2024 24:00")]
    [InlineData("%d.%m.%Y %H:%M:%S", "01.03.2024 10:00:60")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T00:30:00+1:00")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T00:30:00+15:00")]
    public async Task Refuses_a_datetime_its_pattern_does_not_describe(string format, string cell) =>
        Assert.Equal(FileErrorCodes.TypeError, (await OneField.ErrorAsync(Field("datetime", format), cell)).Code);

    [Theory]
    [InlineData("%H:%M", "06:00", 6, 0, 0)]
    [InlineData("%H:%M", "6:05", 6, 5, 0)]
    [InlineData("%I:%M %p", "3:00 am", 3, 0, 0)]
    [InlineData("%I:%M:%S %p", "11:59:58 PM", 23, 59, 58)]
    [InlineData("%H.%M.%S", "23.59.59", 23, 59, 59)]
    public async Task Reads_a_time_with_a_pattern(string format, string cell, int hour, int minute, int second) =>
        Assert.Equal(new TimeOnly(hour, minute, second), await OneField.ValueAsync(Field("time", format), cell));

    [Theory]
    [InlineData("%H:%M", "3:00 am")]
    [InlineData("%M:%H", "06:50")]
    [InlineData("%H:%M", "some night")]
    public async Task Refuses_a_time_its_pattern_does_not_describe(string format, string cell) =>
        Assert.Equal(FileErrorCodes.TypeError, (await OneField.ErrorAsync(Field("time", format), cell)).Code);

    [Theory]
    [InlineData("date", "2024-03-01", "2024-03-01")]
    [InlineData("date", "20240301", "2024-03-01")]
    [InlineData("date", "2024/03/01", "2024-03-01")]
    [InlineData("date", "1 March 2024", "2024-03-01")]
    [InlineData("date", "March 1, 2024", "2024-03-01")]
    [InlineData("date", "01-Mar-2024", "2024-03-01")]
    public async Task Any_reads_the_default_and_the_listed_unambiguous_date_forms(string type, string cell, string iso) =>
        Assert.Equal(DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), await OneField.ValueAsync(Field(type, "any"), cell));

    [Theory]
    [InlineData("2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00Z")]
    [InlineData("1 March 2024 14:30", "2024-03-01T14:30:00Z")]
    [InlineData("20240301T143000", "2024-03-01T14:30:00Z")]
    [InlineData("2024/03/01 2:30 PM", "2024-03-01T14:30:00Z")]
    public async Task Any_reads_the_listed_datetime_forms(string cell, string utc) =>
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            await OneField.ValueAsync(Field("datetime", "any"), cell));

    [Theory]
    [InlineData("06:00:00", 6, 0)]
    [InlineData("3:00 am", 3, 0)]
    [InlineData("15:45", 15, 45)]
    public async Task Any_reads_the_listed_time_forms(string cell, int hour, int minute) =>
        Assert.Equal(new TimeOnly(hour, minute), await OneField.ValueAsync(Field("time", "any"), cell));

    [Theory]
    [InlineData("date", "01/02/2024")] // dateutil would read it month first: ambiguous, so refused
    [InlineData("date", "10th Jan 1969")]
    [InlineData("datetime", "01.02.2024 10:00")]
    [InlineData("time", "some night")]
    public async Task Any_refuses_ambiguous_and_unlisted_forms(string type, string cell)
    {
        var error = await OneField.ErrorAsync(Field(type, "any"), cell);
        Assert.Contains("numeric day/month forms such as 01/02/2024 are ambiguous", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("date", "%d.%m", "lacks a year (%Y or %y), a month (%m, %b or %B) or a day (%d)")]
    [InlineData("datetime", "%H:%M", "lacks a year")]
    [InlineData("date", "%d.%m.%Y %Q", "%Q is not supported; supported directives are %Y %y %m")]
    [InlineData("date", "%j.%Y", "%j is not supported")]
    [InlineData("date", "%c", "%c is not supported")]
    [InlineData("time", "%H:%M %z", "no offset (%z): a PostgreSQL time has no zone")]
    [InlineData("time", "%M:%S", "must give an hour")]
    [InlineData("datetime", "%d.%m.%Y %I:%M", "%I (12-hour clock) and %p (AM/PM) go together")]
    [InlineData("date", "%d.%m.%Y %d", "%d sets a part of the value that another directive already sets")]
    [InlineData("date", "%d.%b.%Y %m", "%m sets a part")]
    [InlineData("datetime", "%d.%m.%Y %H %I %p", "sets a part")]
    [InlineData("date", "%d.%m.%Y%", "ends with a lone '%'")]
    public void Refuses_a_pattern_that_cannot_work_at_load(string type, string format, string message)
    {
        var e = OneField.Refused(Field(type, format));
        Assert.Equal("fields[0].format", e.JsonPath);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("year")]
    [InlineData("yearmonth")]
    [InlineData("duration")]
    [InlineData("number")]
    public void The_other_types_take_no_format_but_default(string type) =>
        Assert.Contains("only \"default\"", OneField.Refused(Field(type, "%Y")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task A_date_bound_may_be_written_in_the_pattern_or_the_default_form()
    {
        var contract = OneField.Contract("\"type\": \"date\", \"format\": \"%d.%m.%Y\", \"constraints\": {\"minimum\": \"01.01.2020\", \"maximum\": \"2024-12-31\"}");
        Assert.Equal(new DateOnly(2020, 1, 1), (await OneField.ReadAsync(contract, "01.01.2020")).Value);
        Assert.Contains("below the minimum 2020-01-01", Assert.Single((await OneField.ReadAsync(contract, "31.12.2019")).Errors).Message, StringComparison.Ordinal);
        Assert.Contains("above the maximum 2024-12-31", Assert.Single((await OneField.ReadAsync(contract, "01.01.2025")).Errors).Message, StringComparison.Ordinal);
    }
}
