CREATE TABLE "action_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"by_user_id" uuid,
	"by_label" text NOT NULL,
	"status" text NOT NULL,
	"note" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"owner_organisation_id" uuid NOT NULL,
	"owner_name" text NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"source_label" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"is_example" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"return_id" uuid NOT NULL,
	"standard_id" text NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"url" text,
	"file_name" text,
	"stored_name" text,
	"content_type" text,
	"bytes" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_observations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"return_id" uuid NOT NULL,
	"standard_id" text NOT NULL,
	"author_user_id" uuid,
	"author_label" text NOT NULL,
	"source" text NOT NULL,
	"observed_on" date NOT NULL,
	"view" text,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_panel" (
	"tenant_id" uuid NOT NULL,
	"return_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_panel_return_id_user_id_pk" PRIMARY KEY("return_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "assessment_ratings" (
	"tenant_id" uuid NOT NULL,
	"return_id" uuid NOT NULL,
	"standard_id" text NOT NULL,
	"rating" text NOT NULL,
	"na_reason" text DEFAULT '' NOT NULL,
	"narrative" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	"decision" text,
	"verified_rating" text,
	"decision_reason" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	CONSTRAINT "assessment_ratings_return_id_standard_id_pk" PRIMARY KEY("return_id","standard_id")
);
--> statement-breakpoint
CREATE TABLE "assessment_returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"round_id" uuid NOT NULL,
	"provider_organisation_id" uuid NOT NULL,
	"provider_name" text NOT NULL,
	"service_id" uuid NOT NULL,
	"service_name" text NOT NULL,
	"service_type" text NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitted_by" uuid,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessment_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"title" text NOT NULL,
	"framework_key" text NOT NULL,
	"framework_version" integer NOT NULL,
	"framework" jsonb NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"is_example" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "action_updates" ADD CONSTRAINT "action_updates_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_evidence" ADD CONSTRAINT "assessment_evidence_return_id_assessment_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."assessment_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_observations" ADD CONSTRAINT "assessment_observations_return_id_assessment_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."assessment_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_panel" ADD CONSTRAINT "assessment_panel_return_id_assessment_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."assessment_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_ratings" ADD CONSTRAINT "assessment_ratings_return_id_assessment_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."assessment_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_returns" ADD CONSTRAINT "assessment_returns_round_id_assessment_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."assessment_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_updates_action_idx" ON "action_updates" USING btree ("action_id","id");--> statement-breakpoint
CREATE INDEX "actions_tenant_idx" ON "actions" USING btree ("tenant_id","status","due_on");--> statement-breakpoint
CREATE INDEX "actions_subject_idx" ON "actions" USING btree ("tenant_id","subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "actions_source_idx" ON "actions" USING btree ("tenant_id","source_type","source_id");--> statement-breakpoint
CREATE INDEX "actions_owner_idx" ON "actions" USING btree ("tenant_id","owner_organisation_id") WHERE status in ('open', 'in_progress');--> statement-breakpoint
CREATE INDEX "assessment_evidence_return_idx" ON "assessment_evidence" USING btree ("tenant_id","return_id");--> statement-breakpoint
CREATE INDEX "assessment_observations_return_idx" ON "assessment_observations" USING btree ("tenant_id","return_id");--> statement-breakpoint
CREATE INDEX "assessment_panel_user_idx" ON "assessment_panel" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_returns_round_service_uq" ON "assessment_returns" USING btree ("round_id","service_id");--> statement-breakpoint
CREATE INDEX "assessment_returns_tenant_idx" ON "assessment_returns" USING btree ("tenant_id","provider_organisation_id");--> statement-breakpoint
CREATE INDEX "assessment_returns_service_idx" ON "assessment_returns" USING btree ("tenant_id","service_id");--> statement-breakpoint
CREATE INDEX "assessment_rounds_tenant_idx" ON "assessment_rounds" USING btree ("tenant_id","created_at");