CREATE TABLE "training_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" integer NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"label_count" integer NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"worker_token_id" integer,
	"worker" text,
	"lease_expires_at" timestamp with time zone,
	"progress" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "worker_tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"project_ids" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	CONSTRAINT "worker_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "job_id" bigint;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "model" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "predicted" text;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "confidence" real;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "chunk" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "job_id" bigint;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD CONSTRAINT "training_jobs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD CONSTRAINT "training_jobs_worker_token_id_worker_tokens_id_fk" FOREIGN KEY ("worker_token_id") REFERENCES "public"."worker_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_jobs_project_state" ON "training_jobs" USING btree ("project_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "training_jobs_one_open" ON "training_jobs" USING btree ("project_id") WHERE state in ('queued', 'running');--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_job_id_training_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."training_jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_job_id_training_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."training_jobs"("id") ON DELETE set null ON UPDATE no action;