CREATE TABLE "directory_locations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"postcode" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"data" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_locations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "directory_organisations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_organisation_id" uuid,
	"data" jsonb NOT NULL,
	"is_example" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_organisations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "directory_schedules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"service_at_location_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"day_of_week" text NOT NULL,
	"start" text NOT NULL,
	"end" text NOT NULL,
	"women_only" boolean NOT NULL,
	"mode" text NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "directory_schedules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "directory_service_at_locations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"location_id" uuid NOT NULL,
	CONSTRAINT "directory_service_at_locations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "directory_service_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"changed_by" uuid,
	"changed_by_label" text NOT NULL,
	"changed_by_role" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"summary" text NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory_services" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"service_type" text NOT NULL,
	"substances" text[] NOT NULL,
	"features" text[] NOT NULL,
	"women_only" boolean NOT NULL,
	"data" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"is_example" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "directory_services_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "directory_schedules_service_idx" ON "directory_schedules" USING btree ("tenant_id","service_id");--> statement-breakpoint
CREATE INDEX "directory_sal_service_idx" ON "directory_service_at_locations" USING btree ("tenant_id","service_id");--> statement-breakpoint
CREATE INDEX "directory_service_history_idx" ON "directory_service_history" USING btree ("tenant_id","service_id","id");--> statement-breakpoint
CREATE INDEX "directory_services_status_idx" ON "directory_services" USING btree ("status","tenant_id");--> statement-breakpoint
CREATE INDEX "directory_services_org_idx" ON "directory_services" USING btree ("tenant_id","organisation_id");