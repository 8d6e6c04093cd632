CREATE TABLE "data_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"source" text NOT NULL,
	"coverage" jsonb NOT NULL,
	"rows_read" integer NOT NULL,
	"rows_stored" integer NOT NULL,
	"rows_refused" integer NOT NULL,
	"refusals" jsonb NOT NULL,
	"warnings" jsonb NOT NULL,
	"imported_by" uuid,
	"job_id" uuid,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "female_share_assumptions" (
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"share" double precision NOT NULL,
	"source" text NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fingertips_values" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"indicator_id" integer NOT NULL,
	"indicator_name" text NOT NULL,
	"parent_code" text,
	"parent_name" text,
	"area_code" text NOT NULL,
	"area_name" text NOT NULL,
	"area_type" text NOT NULL,
	"sex" text NOT NULL,
	"age" text NOT NULL,
	"category_type" text DEFAULT '' NOT NULL,
	"category" text DEFAULT '' NOT NULL,
	"period" text NOT NULL,
	"period_sortable" integer,
	"period_range" text DEFAULT '' NOT NULL,
	"value" double precision,
	"lower95" double precision,
	"upper95" double precision,
	"lower998" double precision,
	"upper998" double precision,
	"count" double precision,
	"denominator" double precision,
	"value_note" text,
	"recent_trend" text,
	"compared_to_england" text
);
--> statement-breakpoint
CREATE TABLE "insights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"organisation" text NOT NULL,
	"by_and_for" boolean DEFAULT false NOT NULL,
	"cohorts" text[] NOT NULL,
	"received_on" date NOT NULL,
	"summary" text NOT NULL,
	"source_url" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "local_indicators" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"indicator" text NOT NULL,
	"area_code" text NOT NULL,
	"period" text NOT NULL,
	"sex" text NOT NULL,
	"age_group" text NOT NULL,
	"count" double precision,
	"denominator" double precision,
	"value" double precision,
	"lower95" double precision,
	"upper95" double precision,
	"unit" text DEFAULT '' NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ndtms_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"period" text NOT NULL,
	"area_code" text NOT NULL,
	"area_name" text NOT NULL,
	"area_level" text NOT NULL,
	"sex" text NOT NULL,
	"age_group" text NOT NULL,
	"substance_group" text NOT NULL,
	"measures" jsonb NOT NULL,
	"suppressed" text[] DEFAULT '{}'::text[] NOT NULL,
	"rounded" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "population_estimates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"area_code" text NOT NULL,
	"period" text NOT NULL,
	"sex" text NOT NULL,
	"age_group" text NOT NULL,
	"characteristic" text NOT NULL,
	"category" text NOT NULL,
	"count" double precision NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prevalence_estimates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"area_code" text NOT NULL,
	"area_name" text NOT NULL,
	"period" text NOT NULL,
	"sex" text NOT NULL,
	"age_group" text NOT NULL,
	"substance_group" text NOT NULL,
	"estimate" double precision NOT NULL,
	"lower95" double precision NOT NULL,
	"upper95" double precision NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "priorities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"title" text NOT NULL,
	"finding" text NOT NULL,
	"evidence" text NOT NULL,
	"cohorts" text[] NOT NULL,
	"period" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fingertips_values" ADD CONSTRAINT "fingertips_values_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "local_indicators" ADD CONSTRAINT "local_indicators_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ndtms_rows" ADD CONSTRAINT "ndtms_rows_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "population_estimates" ADD CONSTRAINT "population_estimates_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prevalence_estimates" ADD CONSTRAINT "prevalence_estimates_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_imports_tenant_idx" ON "data_imports" USING btree ("tenant_id","imported_at");--> statement-breakpoint
CREATE UNIQUE INDEX "female_share_assumptions_uq" ON "female_share_assumptions" USING btree ("tenant_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "fingertips_values_key_uq" ON "fingertips_values" USING btree ("tenant_id","indicator_id","area_code","sex","age","category_type","category","period","period_range");--> statement-breakpoint
CREATE INDEX "fingertips_values_area_idx" ON "fingertips_values" USING btree ("tenant_id","area_code","indicator_id");--> statement-breakpoint
CREATE INDEX "insights_tenant_idx" ON "insights" USING btree ("tenant_id","received_on");--> statement-breakpoint
CREATE UNIQUE INDEX "local_indicators_key_uq" ON "local_indicators" USING btree ("tenant_id","indicator","area_code","period","sex","age_group");--> statement-breakpoint
CREATE UNIQUE INDEX "ndtms_rows_key_uq" ON "ndtms_rows" USING btree ("tenant_id","period","area_code","sex","age_group","substance_group");--> statement-breakpoint
CREATE UNIQUE INDEX "population_estimates_key_uq" ON "population_estimates" USING btree ("tenant_id","area_code","period","sex","age_group","characteristic","category");--> statement-breakpoint
CREATE UNIQUE INDEX "prevalence_estimates_key_uq" ON "prevalence_estimates" USING btree ("tenant_id","kind","area_code","period","sex","age_group","substance_group");--> statement-breakpoint
CREATE INDEX "priorities_tenant_idx" ON "priorities" USING btree ("tenant_id");