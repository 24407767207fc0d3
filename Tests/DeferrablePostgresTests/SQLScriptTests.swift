import Testing

@testable import DeferrablePostgres

@Suite("PostgreSQL: splitting migration SQL into statements")
struct SQLScriptTests {
    @Test("semicolons inside strings, identifiers, comments and dollar quotes do not split")
    func quoting() {
        let text = """
            CREATE TABLE "a;b" (x text DEFAULT ';');
            -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; PERFORM 2; END $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'it''s; fine' $body$;
            ;
            SELECT 1
            """
        #expect(
            SQLScript.statements(text) == [
                "CREATE TABLE \"a;b\" (x text DEFAULT ';')",
                "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; PERFORM 2; END $$",
                "CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'it''s; fine' $body$",
                "SELECT 1",
            ])
    }

    @Test("every migration splits into statements that each end cleanly")
    func migrations() throws {
        let schema = try PostgresSchema("deferrable")
        for migration in PostgresMigration.all {
            let statements = SQLScript.statements(migration.sql(schema))
            #expect(!statements.isEmpty)
            #expect(statements.allSatisfy { !$0.hasSuffix(";") })
        }
    }
}
