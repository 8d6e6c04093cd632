ALTER TABLE "directory_services" ADD COLUMN "origin_key" uuid;--> statement-breakpoint
ALTER TABLE "directory_services" ADD COLUMN "needs_review" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "directory_services_origin_idx" ON "directory_services" USING btree ((coalesce("origin_key", "id")));--> statement-breakpoint
CREATE INDEX "directory_services_id_idx" ON "directory_services" USING btree ("id");--> statement-breakpoint
CREATE TABLE "directory_term_mappings" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"term_id" text NOT NULL,
	"term_name" text NOT NULL,
	"taxonomy" text,
	"term_uri" text,
	"service_type" text,
	"features" text[] DEFAULT '{}' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "directory_term_mappings_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
