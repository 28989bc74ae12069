-- The orders contract's table (docs/contracts.md, "A complete example"), made by hand until contracts create
-- their own tables (issue 16 item 2). Run before each test of the class, hence IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS txetl.orders (
    order_no           bigint PRIMARY KEY,
    ordered_at         timestamptz NOT NULL,
    customer           text        NOT NULL,
    note               text,
    kind               text        NOT NULL,
    currency           text        NOT NULL,
    country            text        NOT NULL,
    price_includes_tax boolean     NOT NULL,
    net_amount         numeric     NOT NULL,
    tax_amount         numeric     NOT NULL,
    gross_amount       numeric     NOT NULL,
    tax_rate           numeric     NOT NULL,
    tax_rule_id        text        NOT NULL,
    file_id            bigint      NOT NULL,
    source_line        bigint      NOT NULL,
    loaded_at          timestamptz NOT NULL DEFAULT now()
);
