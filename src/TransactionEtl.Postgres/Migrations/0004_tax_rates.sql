-- Tax rules, seeded from the default rule set (shared reference tax_rates.csv). rule_id is stable: it is
-- stored on every transaction, so a rule is never renamed; a new rate is a new rule with its own validity.
-- btree_gist lets one exclusion constraint combine equality on the rule's scope with range overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE txetl.tax_rates (
    rule_id            text          PRIMARY KEY,
    country            char(2)       NOT NULL,
    region             text,
    category           text,
    rate               numeric(9, 6) NOT NULL CHECK (rate >= 0 AND rate < 1),
    price_includes_tax boolean       NOT NULL,
    valid_from         date          NOT NULL,
    valid_to           date,
    note               text,
    CONSTRAINT tax_rates_validity_check CHECK (valid_to IS NULL OR valid_to > valid_from),
    -- Two rules for the same scope may not be valid on the same day, otherwise "the most specific match"
    -- would be ambiguous. NULL region/category mean "any", hence coalesce: NULL = NULL would never conflict.
    CONSTRAINT tax_rates_no_overlap EXCLUDE USING gist (
        country WITH =,
        (coalesce(region, '')) WITH =,
        (coalesce(category, '')) WITH =,
        daterange(valid_from, valid_to, '[)') WITH &&)
);

INSERT INTO txetl.tax_rates
    (rule_id, country, region, category, rate, price_includes_tax, valid_from, valid_to, note)
VALUES
    ('DE-STD', 'DE', NULL, NULL, 0.19, true, '2007-01-01', '2020-07-01', 'Germany standard VAT'),
    ('DE-STD-2020', 'DE', NULL, NULL, 0.16, true, '2020-07-01', '2021-01-01', 'Germany temporary cut Jul-Dec 2020'),
    ('DE-STD-2021', 'DE', NULL, NULL, 0.19, true, '2021-01-01', NULL, 'Germany standard VAT'),
    ('DE-RED-FOOD', 'DE', NULL, 'groceries', 0.07, true, '2007-01-01', '2020-07-01', 'Germany reduced VAT on food'),
    ('DE-RED-FOOD-2020', 'DE', NULL, 'groceries', 0.05, true, '2020-07-01', '2021-01-01', 'Germany temporary reduced rate'),
    ('DE-RED-FOOD-2021', 'DE', NULL, 'groceries', 0.07, true, '2021-01-01', NULL, 'Germany reduced VAT on food'),
    ('DE-RED-BOOKS', 'DE', NULL, 'books', 0.07, true, '2021-01-01', NULL, 'Germany reduced VAT on books'),
    ('FR-STD', 'FR', NULL, NULL, 0.20, true, '2014-01-01', NULL, 'France standard VAT'),
    ('FR-RED-FOOD', 'FR', NULL, 'groceries', 0.055, true, '2014-01-01', NULL, 'France reduced VAT on food'),
    ('FR-RED-BOOKS', 'FR', NULL, 'books', 0.055, true, '2014-01-01', NULL, 'France reduced VAT on books'),
    ('FR-INT-RESTAURANTS', 'FR', NULL, 'restaurants', 0.10, true, '2014-01-01', NULL, 'France intermediate VAT on restaurants'),
    ('GB-STD', 'GB', NULL, NULL, 0.20, true, '2011-01-04', NULL, 'United Kingdom standard VAT'),
    ('GB-ZERO-FOOD', 'GB', NULL, 'groceries', 0.00, true, '2011-01-04', NULL, 'United Kingdom zero rate on food'),
    ('GB-ZERO-BOOKS', 'GB', NULL, 'books', 0.00, true, '2011-01-04', NULL, 'United Kingdom zero rate on books'),
    ('CH-STD-2018', 'CH', NULL, NULL, 0.077, true, '2018-01-01', '2024-01-01', 'Switzerland standard VAT'),
    ('CH-STD', 'CH', NULL, NULL, 0.081, true, '2024-01-01', NULL, 'Switzerland standard VAT'),
    ('CH-RED-FOOD-2018', 'CH', NULL, 'groceries', 0.025, true, '2018-01-01', '2024-01-01', 'Switzerland reduced VAT'),
    ('CH-RED-FOOD', 'CH', NULL, 'groceries', 0.026, true, '2024-01-01', NULL, 'Switzerland reduced VAT'),
    ('JP-STD-2014', 'JP', NULL, NULL, 0.08, true, '2014-04-01', '2019-10-01', 'Japan consumption tax'),
    ('JP-STD', 'JP', NULL, NULL, 0.10, true, '2019-10-01', NULL, 'Japan consumption tax'),
    ('JP-RED-FOOD', 'JP', NULL, 'groceries', 0.08, true, '2019-10-01', NULL, 'Japan reduced consumption tax on food'),
    ('AU-GST', 'AU', NULL, NULL, 0.10, true, '2000-07-01', NULL, 'Australia GST'),
    ('AU-GST-FOOD', 'AU', NULL, 'groceries', 0.00, true, '2000-07-01', NULL, 'Australia GST-free basic food'),
    ('BH-VAT-2019', 'BH', NULL, NULL, 0.05, true, '2019-01-01', '2022-01-01', 'Bahrain VAT'),
    ('BH-VAT', 'BH', NULL, NULL, 0.10, true, '2022-01-01', NULL, 'Bahrain VAT'),
    ('KW-NONE', 'KW', NULL, NULL, 0.00, true, '2000-01-01', NULL, 'Kuwait has no VAT'),
    ('US-CA', 'US', 'US-CA', NULL, 0.0725, false, '2017-01-01', NULL, 'California state sales tax (state base rate only)'),
    ('US-CA-FOOD', 'US', 'US-CA', 'groceries', 0.00, false, '2017-01-01', NULL, 'California exempts food'),
    ('US-NY', 'US', 'US-NY', NULL, 0.04, false, '2005-06-01', NULL, 'New York state sales tax (state rate only)'),
    ('US-NY-FOOD', 'US', 'US-NY', 'groceries', 0.00, false, '2005-06-01', NULL, 'New York exempts food'),
    ('US-TX', 'US', 'US-TX', NULL, 0.0625, false, '1990-10-01', NULL, 'Texas state sales tax (state rate only)'),
    ('US-TX-FOOD', 'US', 'US-TX', 'groceries', 0.00, false, '1990-10-01', NULL, 'Texas exempts food'),
    ('CA-ON-HST', 'CA', 'CA-ON', NULL, 0.13, false, '2010-07-01', NULL, 'Ontario HST'),
    ('CA-QC-GST-QST', 'CA', 'CA-QC', NULL, 0.14975, false, '2013-01-01', NULL, 'Quebec GST 5% plus QST 9.975%'),
    ('CA-AB-GST', 'CA', 'CA-AB', NULL, 0.05, false, '2008-01-01', NULL, 'Alberta GST only');
