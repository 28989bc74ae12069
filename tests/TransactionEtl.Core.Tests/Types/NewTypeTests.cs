namespace TransactionEtl.Core.Tests.Types;

/// <summary>
/// The Table Schema v2 types time, year, yearmonth and duration: their default forms, output types and constraints.
/// Cases follow frictionless-py's (frictionless/fields/__spec__/test_time.py, test_year.py, test_yearmonth.py,
/// test_duration.py) except where noted.
/// </summary>
public class NewTypeTests
{
    [Theory]
    [InlineData("time", ColumnType.Time)]
    [InlineData("year", ColumnType.Int4)]
    [InlineData("yearmonth", ColumnType.Date)]
    [InlineData("duration", ColumnType.Interval)]
    public void Each_type_has_its_postgres_output_type(string type, ColumnType expected) =>
        Assert.Equal(expected, OneField.Contract($"\"type\": \"{type}\"").OutputColumns.Single().Type);

    [Theory]
    [InlineData("06:00:00", 6, 0, 0, 0)]
    [InlineData("23:59:59", 23, 59, 59, 0)]
    [InlineData("00:00:00.5", 0, 0, 0, 500_000)]
    [InlineData("12:34:56.123456", 12, 34, 56, 123_456)]
    public async Task Reads_a_time(string cell, int hour, int minute, int second, int microseconds) =>
        Assert.Equal(new TimeOnly(hour, minute, second).Add(TimeSpan.FromMicroseconds(microseconds)), await OneField.ValueAsync("\"type\": \"time\"", cell));

    [Theory]
    [InlineData("09:00")] // frictionless-py also requires the seconds
    [InlineData("3 am")]
    [InlineData("3.00")]
    [InlineData("06:00:00+1:00")]
    [InlineData("06:00:00Z")] // kept by frictionless-py; refused here: a PostgreSQL time has no zone
    [InlineData("06:00:00+01:00")]
    [InlineData("24:00:00")]
    [InlineData("6:00:00")]
    [InlineData("06:60:00")]
    [InlineData("06:00:00.")]
    [InlineData("06:00:00.1234567")]
    [InlineData("T06:00:00")]
    public async Task Refuses_a_time_not_in_the_default_form(string cell)
    {
        var error = await OneField.ErrorAsync("\"type\": \"time\"", cell);
        Assert.Equal(FileErrorCodes.TypeError, error.Code);
        Assert.Contains("expected HH:MM:SS[.ffffff]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2000", 2000)]
    [InlineData("0001", 1)]
    [InlineData("9999", 9999)]
    public async Task Reads_a_year(string cell, int year) => Assert.Equal(year, await OneField.ValueAsync("\"type\": \"year\"", cell));

    [Theory]
    [InlineData("20000")]
    [InlineData("-2000")]
    [InlineData("3.14")]
    [InlineData("24")]
    [InlineData("+200")]
    [InlineData("２０２４")] // full-width digits
    public async Task Refuses_a_year_that_is_not_four_digits(string cell) =>
        Assert.Contains("expected a four-digit year", (await OneField.ErrorAsync("\"type\": \"year\"", cell)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("2000-10", 2000, 10)]
    [InlineData("2024-01", 2024, 1)]
    public async Task Reads_a_yearmonth_as_the_first_day_of_the_month(string cell, int year, int month) =>
        Assert.Equal(new DateOnly(year, month, 1), await OneField.ValueAsync("\"type\": \"yearmonth\"", cell));

    [Theory]
    [InlineData("2000-13-20")]
    [InlineData("2000-13")]
    [InlineData("2000-0")]
    [InlineData("2000-00")]
    [InlineData("96777-8")]
    [InlineData("13")]
    [InlineData("3.14")]
    [InlineData("2024-3")] // XML Schema gYearMonth has a two-digit month; frictionless-py would take this
    [InlineData("0000-01")]
    [InlineData("202403")]
    public async Task Refuses_a_yearmonth_not_in_the_form_yyyy_mm(string cell) =>
        Assert.Contains("expected YYYY-MM", (await OneField.ErrorAsync("\"type\": \"yearmonth\"", cell)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("P1Y10M3DT5H11M7S", 22, 3, ((5 * 3600) + (11 * 60) + 7) * 1_000_000L)]
    [InlineData("P1Y", 12, 0, 0L)]
    [InlineData("P1M", 1, 0, 0L)]
    [InlineData("PT1S", 0, 0, 1_000_000L)]
    [InlineData("PT1M", 0, 0, 60_000_000L)]
    [InlineData("PT0.5S", 0, 0, 500_000L)]
    [InlineData("PT1.000001S", 0, 0, 1_000_001L)]
    [InlineData("PT36H", 0, 0, 36 * 3600 * 1_000_000L)] // hours stay hours: an interval does not fold them into days
    [InlineData("P30D", 0, 30, 0L)]
    [InlineData("P2W", 0, 14, 0L)] // ISO 8601 weeks, which isodate (frictionless-py's parser) reads
    [InlineData("-P1DT2H", 0, -1, -2 * 3600 * 1_000_000L)]
    [InlineData("P0D", 0, 0, 0L)]
    public async Task Reads_a_duration_into_months_days_and_microseconds(string cell, int months, int days, long microseconds) =>
        Assert.Equal(new IsoDuration(months, days, microseconds), await OneField.ValueAsync("\"type\": \"duration\"", cell));

    [Theory]
    [InlineData("P1M1Y")]
    [InlineData("P-1Y")]
    [InlineData("year")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1YT")]
    [InlineData("P1DT1D")]
    [InlineData("PT1H1H")]
    [InlineData("P0.5Y")] // a fraction only on seconds, as XML Schema says
    [InlineData("PT1.1234567S")] // PostgreSQL keeps microseconds
    [InlineData("PT1.S")]
    [InlineData("1Y")]
    [InlineData("P1W2D")]
    [InlineData("p1y")]
    [InlineData("P1S")]
    [InlineData("PT1Y")]
    [InlineData("P9999999999Y")]
    public async Task Refuses_a_duration_not_in_the_iso_form(string cell) =>
        Assert.Contains("expected an ISO 8601 duration", (await OneField.ErrorAsync("\"type\": \"duration\"", cell)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("time", "\"08:00:00\"", "\"18:00:00\"", "07:59:59", "18:00:01", "12:00:00")]
    [InlineData("year", "2000", "\"2030\"", "1999", "2031", "2024")]
    [InlineData("yearmonth", "\"2020-01\"", "\"2024-12\"", "2019-12", "2025-01", "2024-12")]
    public async Task Minimum_and_maximum_apply_to_time_year_and_yearmonth(string type, string min, string max, string below, string above, string inside)
    {
        var contract = OneField.Contract($"\"type\": \"{type}\", \"constraints\": {{\"minimum\": {min}, \"maximum\": {max}}}");
        Assert.Empty((await OneField.ReadAsync(contract, inside)).Errors);
        Assert.Contains("below the minimum", Assert.Single((await OneField.ReadAsync(contract, below)).Errors).Message, StringComparison.Ordinal);
        Assert.Contains("above the maximum", Assert.Single((await OneField.ReadAsync(contract, above)).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_takes_no_minimum_or_maximum() =>
        Assert.Contains("minimum/maximum apply only to number, integer, date, datetime, time, year and yearmonth fields",
            OneField.Refused("\"type\": \"duration\", \"constraints\": {\"minimum\": \"P1D\"}").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("time", "\"25:00:00\"")]
    [InlineData("year", "\"20\"")]
    [InlineData("yearmonth", "\"2020-13\"")]
    public void Refuses_a_bound_that_is_not_a_value_of_the_type(string type, string bound) =>
        Assert.Contains("fields[0].constraints.minimum", OneField.Refused($"\"type\": \"{type}\", \"constraints\": {{\"minimum\": {bound}}}").Message, StringComparison.Ordinal);

    [Fact]
    public async Task Enum_and_required_apply_to_a_duration()
    {
        var contract = OneField.Contract("\"type\": \"duration\", \"constraints\": {\"required\": true, \"enum\": [\"P1D\", \"P1W\"]}");
        Assert.Equal(new IsoDuration(0, 7, 0), (await OneField.ReadAsync(contract, "P1W")).Value);
        Assert.Equal(FileErrorCodes.ConstraintError, Assert.Single((await OneField.ReadAsync(contract, "P2D")).Errors).Code);
    }

    [Fact]
    public void Refuses_an_unknown_type_listing_the_new_ones() =>
        Assert.Contains("time, year, yearmonth", OneField.Refused("\"type\": \"timestamp\"").Message, StringComparison.Ordinal);
}
