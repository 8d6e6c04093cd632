CREATE TABLE "council_data_versions" (
	"tenant_id" uuid NOT NULL,
	"domain" text NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "council_data_versions_tenant_id_domain_pk" PRIMARY KEY("tenant_id","domain")
);
