CREATE TABLE "agreement_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" integer NOT NULL,
	"answers" integer NOT NULL,
	"summary" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_flags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" integer NOT NULL,
	"item_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"comment" text,
	"priority" real DEFAULT 0 NOT NULL,
	"detail" jsonb,
	"user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "confidence" real;--> statement-breakpoint
ALTER TABLE "agreement_snapshots" ADD CONSTRAINT "agreement_snapshots_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_flags" ADD CONSTRAINT "item_flags_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_flags" ADD CONSTRAINT "item_flags_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_flags" ADD CONSTRAINT "item_flags_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_snapshots_project" ON "agreement_snapshots" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "item_flags_open" ON "item_flags" USING btree ("project_id","resolved_at","priority");--> statement-breakpoint
CREATE INDEX "item_flags_item" ON "item_flags" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "item_flags_one_open_server_flag" ON "item_flags" USING btree ("item_id","kind") WHERE resolved_at is null and kind <> 'annotator';--> statement-breakpoint
UPDATE "items" SET "status" = 'resolved' WHERE "status" = 'labeled';
