CREATE TABLE "training_courses" (
	"tenant_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"course" text NOT NULL,
	"staff_in_post" integer NOT NULL,
	"renewal_months" integer NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_courses_organisation_id_course_pk" PRIMARY KEY("organisation_id","course"),
	CONSTRAINT "training_courses_counts_ck" CHECK ("training_courses"."staff_in_post" >= 0 and "training_courses"."renewal_months" between 1 and 120)
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"course" text NOT NULL,
	"completed_on" date NOT NULL,
	"staff_trained" integer NOT NULL,
	"still_in_post" integer NOT NULL,
	"renews_session_id" uuid,
	"is_example" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_sessions_counts_ck" CHECK ("training_sessions"."still_in_post" >= 0 and "training_sessions"."still_in_post" <= "training_sessions"."staff_trained")
);
--> statement-breakpoint
CREATE INDEX "training_courses_tenant_idx" ON "training_courses" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "training_sessions_org_idx" ON "training_sessions" USING btree ("tenant_id","organisation_id","course");